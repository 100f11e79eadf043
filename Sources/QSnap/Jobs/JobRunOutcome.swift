import QSnapCore

/// The report of a job run and the error it ended with, if any.
public struct JobRunOutcome: Sendable {
    /// The report.
    public var report: JobRunReport
    /// The error to exit with, `nil` on success.
    public var error: QSnapError?
}
