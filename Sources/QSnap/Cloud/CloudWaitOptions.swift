/// How long and how often to poll a Qdrant Cloud backup or restore until it finishes.
public struct CloudWaitOptions: Sendable, Equatable {
    /// The longest wait, in seconds: nothing waits without a deadline.
    public var timeout: Double
    /// Seconds between two polls.
    public var pollInterval: Double

    /// Creates options (an interval below 0.05 s is raised to it; the timeout is at least 0).
    public init(timeout: Double = 3600, pollInterval: Double = 10) {
        self.timeout = max(0, timeout)
        self.pollInterval = max(0.05, pollInterval)
    }
}
