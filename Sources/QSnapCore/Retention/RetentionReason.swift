import Foundation

/// Why the planner keeps a backup: the rule and, for bucket rules, the bucket it filled.
public struct RetentionReason: Sendable, Hashable, CustomStringConvertible {
    /// The rule that decided.
    public enum Rule: String, Sendable, Hashable, CaseIterable {
        /// `keep-last`.
        case last
        /// `keep-hourly`.
        case hourly
        /// `keep-daily`.
        case daily
        /// `keep-weekly`.
        case weekly
        /// `keep-monthly`.
        case monthly
        /// `keep-yearly`.
        case yearly
        /// `keep-within`.
        case within
        /// `keep-within-hourly`.
        case withinHourly = "within-hourly"
        /// `keep-within-daily`.
        case withinDaily = "within-daily"
        /// `keep-within-weekly`.
        case withinWeekly = "within-weekly"
        /// `keep-within-monthly`.
        case withinMonthly = "within-monthly"
        /// `keep-within-yearly`.
        case withinYearly = "within-yearly"
        /// `keep-tags`.
        case tag
        /// `pins` or a pinned manifest.
        case pin
        /// The newest verified backup is never deleted.
        case newestVerified = "newest-verified"
        /// Dated after the planning time (clock skew): never deleted.
        case future
        /// Its objects are under S3 Object Lock retention: they cannot be deleted before the date.
        case objectLock = "object-lock"
        /// Would be deleted, but the run's deletion cap is reached.
        case deletionCap = "deletion-cap"
        /// The policy has no keep rule, so everything is kept (restic).
        case emptyPolicy = "empty-policy"
    }

    /// The rule.
    public var rule: Rule
    /// The detail: a bucket (`2026-11-20`, `2026-W47`), a duration, a tag set, a rank.
    public var detail: String

    /// Creates a reason.
    public init(_ rule: Rule, _ detail: String = "") {
        self.rule = rule
        self.detail = detail
    }

    /// Human-readable text, e.g. `daily 2026-11-20`, `within 30d`, `deletion cap`.
    public var description: String {
        let name: String
        switch rule {
        case .withinHourly, .withinDaily, .withinWeekly, .withinMonthly, .withinYearly:
            name = rule.rawValue.replacingOccurrences(of: "-", with: " ")
        case .newestVerified: name = "newest verified"
        case .deletionCap: name = "deletion cap"
        case .emptyPolicy: name = "empty policy"
        case .objectLock: name = "object lock"
        default: name = rule.rawValue
        }
        return detail.isEmpty ? name : "\(name) \(detail)"
    }
}
