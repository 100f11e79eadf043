import Foundation

/// The metrics of one job, as written to and read back from a Prometheus textfile.
public struct JobMetrics: Sendable, Equatable {
    /// How one run ended.
    public struct RunOutcome: Sendable, Equatable {
        /// True when backup, verify and prune all succeeded.
        public var success: Bool
        /// When the run finished.
        public var finished: Date
        /// The run's wall time in seconds.
        public var durationSeconds: Double
        /// Bytes written to the repository by the run.
        public var bytes: Int64
        /// Objects written to the repository by the run.
        public var objects: Int64

        /// Creates an outcome.
        public init(success: Bool, finished: Date, durationSeconds: Double, bytes: Int64, objects: Int64) {
            self.success = success
            self.finished = finished
            self.durationSeconds = durationSeconds
            self.bytes = bytes
            self.objects = objects
        }
    }

    /// The job name (the `job` label).
    public var job: String
    /// When the job last succeeded, in Unix seconds, or `nil` when it never did.
    public var lastSuccessTimestamp: Double?
    /// The last run's wall time in seconds.
    public var lastRunDurationSeconds: Double?
    /// Bytes written by the last run.
    public var lastRunBytes: Int64?
    /// Objects written by the last run.
    public var lastRunObjects: Int64?
    /// Failed runs so far (a counter carried forward across runs).
    public var failuresTotal: Int64
    /// Whether the last run succeeded.
    public var lastRunSuccess: Bool?

    /// Creates metrics for `job`; unknown values stay `nil`.
    public init(
        job: String, lastSuccessTimestamp: Double? = nil, lastRunDurationSeconds: Double? = nil,
        lastRunBytes: Int64? = nil, lastRunObjects: Int64? = nil, failuresTotal: Int64 = 0, lastRunSuccess: Bool? = nil
    ) {
        self.job = job
        self.lastSuccessTimestamp = lastSuccessTimestamp
        self.lastRunDurationSeconds = lastRunDurationSeconds
        self.lastRunBytes = lastRunBytes
        self.lastRunObjects = lastRunObjects
        self.failuresTotal = failuresTotal
        self.lastRunSuccess = lastRunSuccess
    }

    /// These metrics after `outcome`: the last-run figures replaced, the last success time moved on a success,
    /// the failure counter incremented on a failure.
    public func recording(_ outcome: RunOutcome) -> JobMetrics {
        var next = self
        next.lastRunDurationSeconds = outcome.durationSeconds
        next.lastRunBytes = outcome.bytes
        next.lastRunObjects = outcome.objects
        next.lastRunSuccess = outcome.success
        if outcome.success {
            next.lastSuccessTimestamp = outcome.finished.timeIntervalSince1970
        } else {
            next.failuresTotal += 1
        }
        return next
    }
}
