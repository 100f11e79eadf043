/// Where a Qdrant Cloud backup or backup restore stands, for waiting on it.
public enum CloudOperationPhase: Sendable, Equatable {
    /// Still going (or not reported yet): keep polling.
    case inProgress
    /// Done and usable.
    case succeeded
    /// Finished without a usable result: the status name says how.
    case failed
}
