/// One check a restore's verification made, as reported (`qsnap restore --json`, the drill report): what was
/// compared and whether it passed, or that it could not run.
public struct VerificationCheck: Codable, Sendable, Equatable {
    /// The outcome of one check.
    public enum Outcome: String, Codable, Sendable {
        /// The check ran and the restored collection agreed with the backup.
        case passed
        /// No check could run (e.g. no sampled points, no vector to query with): nothing was proven.
        case notChecked = "not checked"
    }

    /// `count`, `shards`, `payload-indexes`, `samples` or `query`.
    public var name: String
    public var outcome: Outcome
    /// The figures behind it, or why it could not run.
    public var detail: String

    /// Creates a check.
    public init(name: String, outcome: Outcome, detail: String) {
        self.name = name
        self.outcome = outcome
        self.detail = detail
    }

    /// `name: detail` for a passed check, `name: not checked (detail)` otherwise.
    public var line: String {
        outcome == .passed ? "\(name): \(detail)" : "\(name): not checked (\(detail))"
    }
}
