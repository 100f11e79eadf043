/// The steps of one restore, as a pure state machine: the runner performs each ``Action`` and reports the outcome
/// as an ``Event``. Nothing before ``State/switching`` changes what clients see; any failure before the switch
/// leads to deleting the staging collections, never to touching aliases.
public struct RestoreStateMachine: Sendable, Equatable {
    /// Where the restore is.
    public enum State: Sendable, Equatable {
        /// Planned; gates passed.
        case planned
        /// Removing staging collections left by earlier interrupted runs.
        case cleaning
        /// Recovering snapshots into the staging collections; `done` steps finished.
        case recovering(done: Int)
        /// Checking counts, shard states, sampled points and a query.
        case verifying
        /// One `POST /collections/aliases` in flight.
        case switching
        /// Deleting the staging collections after a failure.
        case rollingBack(reason: String)
        /// Finished: the aliases point at the restored collections.
        case done
        /// Failed; the aliases and old collections are as they were (unless `switchFailed`).
        case failed(reason: String)
    }

    /// What happened.
    public enum Event: Sendable, Equatable {
        /// The gates passed; begin.
        case start
        /// Stale staging collections are gone.
        case cleaned
        /// A recovery step finished; `remaining` steps are left.
        case recovered(remaining: Int)
        /// The current step failed.
        case failed(String)
        /// Every staging collection passed verification.
        case verified
        /// The alias request succeeded.
        case switched
        /// The staging collections were deleted.
        case stagingDeleted
    }

    /// What to do next.
    public enum Action: Sendable, Equatable {
        /// Delete staging collections of earlier interrupted runs.
        case cleanStale
        /// Perform the next recovery.
        case recoverNext
        /// Verify the staging collections.
        case verify
        /// Send the one alias request.
        case switchAliases
        /// Delete this run's staging collections.
        case deleteStaging
        /// Report success.
        case finish
        /// Report the failure.
        case fail(String)
        /// The event does not apply in this state (a programming error in the runner).
        case invalid
    }

    /// The current state.
    public private(set) var state: State = .planned

    /// Creates a machine in ``State/planned``.
    public init() {}

    /// Applies an event; returns the action to perform.
    public mutating func event(_ event: Event) -> Action {
        switch (state, event) {
        case (.planned, .start):
            state = .cleaning
            return .cleanStale
        case (.cleaning, .cleaned):
            state = .recovering(done: 0)
            return .recoverNext
        case (.recovering(let done), .recovered(let remaining)):
            if remaining > 0 {
                state = .recovering(done: done + 1)
                return .recoverNext
            }
            state = .verifying
            return .verify
        case (.verifying, .verified):
            state = .switching
            return .switchAliases
        case (.switching, .switched):
            state = .done
            return .finish
        case (.cleaning, .failed(let reason)):
            state = .failed(reason: reason)
            return .fail(reason)
        case (.recovering, .failed(let reason)), (.verifying, .failed(let reason)), (.switching, .failed(let reason)):
            state = .rollingBack(reason: reason)
            return .deleteStaging
        case (.rollingBack(let reason), .stagingDeleted):
            state = .failed(reason: reason)
            return .fail(reason)
        case (.rollingBack(let reason), .failed(let cleanup)):
            let combined = reason + "; cleaning up also failed: " + cleanup
            state = .failed(reason: combined)
            return .fail(combined)
        default:
            return .invalid
        }
    }
}
