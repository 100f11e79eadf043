import Foundation
import QSnapCore

/// What one `qsnap run` did: when it held the repository lock, the backup, the verification, the prune and
/// how it ended. Encoded as the `--json` output (snake_case keys; times as Unix seconds with fractions, so that
/// runs can be ordered precisely).
public struct JobRunReport: Sendable, Encodable {
    /// The job name.
    public var job: String
    /// The repository (display form).
    public var repository: String
    /// This run's id (also in the lock object).
    public var runID: String
    /// True when every step succeeded.
    public var success: Bool
    /// The error that ended the run, if any (free of secrets).
    public var error: String?
    /// When the run started, Unix seconds.
    public var started: Double
    /// When the run finished, Unix seconds.
    public var finished: Double
    /// When the lock was taken, Unix seconds (`nil`: never taken).
    public var lockAcquired: Double?
    /// When the lock was released, Unix seconds.
    public var lockReleased: Double?
    /// The backup, when it completed.
    public var backup: BackupResult?
    /// The verification result: `true`/`false`, or `nil` when not run.
    public var verified: Bool?
    /// The prune, when it ran.
    public var prune: PruneReport?
    /// The metrics textfile written, if any.
    public var metricsTextfile: String?

    enum CodingKeys: String, CodingKey {
        case job, repository, success, error, started, finished, backup, verified, prune
        case runID = "run_id"
        case lockAcquired = "lock_acquired"
        case lockReleased = "lock_released"
        case metricsTextfile = "metrics_textfile"
    }

    /// Encodes the report; unknown values are written as `null` (not left out), so readers see every key.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(job, forKey: .job)
        try c.encode(repository, forKey: .repository)
        try c.encode(runID, forKey: .runID)
        try c.encode(success, forKey: .success)
        try c.encode(error, forKey: .error)
        try c.encode(started, forKey: .started)
        try c.encode(finished, forKey: .finished)
        try c.encode(lockAcquired, forKey: .lockAcquired)
        try c.encode(lockReleased, forKey: .lockReleased)
        try c.encode(backup, forKey: .backup)
        try c.encode(verified, forKey: .verified)
        try c.encode(prune, forKey: .prune)
        try c.encode(metricsTextfile, forKey: .metricsTextfile)
    }
}
