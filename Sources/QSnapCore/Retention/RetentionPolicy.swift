import Foundation

/// Which backups to keep, with restic's `forget` semantics plus qsnap's safety rails.
///
/// A backup is kept when **any** rule keeps it:
/// - ``keepLast``: the N newest backups.
/// - ``keepHourly`` … ``keepYearly``: the newest backup of each of the N newest calendar buckets (UTC hour, day,
///   ISO 8601 week, month, year) that hold a backup. When fewer buckets exist than N, the oldest backup is kept
///   too, as restic does. ``unlimited`` keeps one per bucket for ever.
/// - ``keepWithin``: every backup newer than the newest backup's time minus the duration (restic measures from the
///   newest backup, not from the clock, so a stalled schedule never ages everything out).
/// - ``keepWithinHourly`` … ``keepWithinYearly``: within that window, the newest backup of each bucket.
/// - ``keepTags``: backups carrying all tags of one entry (`"release"`, or `"release,audited"` for both).
/// - ``pins``: backup ids never deleted; backups marked pinned are also never deleted.
///
/// Always applied: the newest verified backup is never deleted, and at most ``maxDeletionsPerRun`` backups are
/// deleted in one run (the oldest first). See ``RetentionPlanner``.
public struct RetentionPolicy: Sendable, Equatable {
    /// The count meaning "every bucket", written `unlimited` in YAML (restic's `-1`).
    public static let unlimited = Int.max

    /// Keep the N newest backups (0: rule off).
    public var keepLast: Int
    /// Keep the newest backup of each of the N newest UTC hours.
    public var keepHourly: Int
    /// Keep the newest backup of each of the N newest UTC days.
    public var keepDaily: Int
    /// Keep the newest backup of each of the N newest ISO 8601 weeks (Monday to Sunday, UTC).
    public var keepWeekly: Int
    /// Keep the newest backup of each of the N newest UTC months.
    public var keepMonthly: Int
    /// Keep the newest backup of each of the N newest UTC years.
    public var keepYearly: Int
    /// Keep every backup within this duration of the newest backup.
    public var keepWithin: RetentionDuration?
    /// Within this duration of the newest backup, keep the newest backup of each hour.
    public var keepWithinHourly: RetentionDuration?
    /// Within this duration of the newest backup, keep the newest backup of each day.
    public var keepWithinDaily: RetentionDuration?
    /// Within this duration of the newest backup, keep the newest backup of each ISO week.
    public var keepWithinWeekly: RetentionDuration?
    /// Within this duration of the newest backup, keep the newest backup of each month.
    public var keepWithinMonthly: RetentionDuration?
    /// Within this duration of the newest backup, keep the newest backup of each year.
    public var keepWithinYearly: RetentionDuration?
    /// Tag sets: a backup carrying every tag of one set is kept.
    public var keepTags: [[String]]
    /// Backup ids that are never deleted.
    public var pins: [String]
    /// The most backups one run may delete (`nil`: no cap). Deletions beyond it wait for the next run.
    public var maxDeletionsPerRun: Int?
    /// A free-text description (the policy file's `description`).
    public var description: String?

    /// Creates a policy; every rule is off unless given.
    public init(
        keepLast: Int = 0, keepHourly: Int = 0, keepDaily: Int = 0, keepWeekly: Int = 0, keepMonthly: Int = 0,
        keepYearly: Int = 0, keepWithin: RetentionDuration? = nil, keepWithinHourly: RetentionDuration? = nil,
        keepWithinDaily: RetentionDuration? = nil, keepWithinWeekly: RetentionDuration? = nil,
        keepWithinMonthly: RetentionDuration? = nil, keepWithinYearly: RetentionDuration? = nil,
        keepTags: [[String]] = [], pins: [String] = [], maxDeletionsPerRun: Int? = nil, description: String? = nil
    ) {
        self.keepLast = keepLast
        self.keepHourly = keepHourly
        self.keepDaily = keepDaily
        self.keepWeekly = keepWeekly
        self.keepMonthly = keepMonthly
        self.keepYearly = keepYearly
        self.keepWithin = keepWithin
        self.keepWithinHourly = keepWithinHourly
        self.keepWithinDaily = keepWithinDaily
        self.keepWithinWeekly = keepWithinWeekly
        self.keepWithinMonthly = keepWithinMonthly
        self.keepWithinYearly = keepWithinYearly
        self.keepTags = keepTags
        self.pins = pins
        self.maxDeletionsPerRun = maxDeletionsPerRun
        self.description = description
    }

    /// True when no keep rule is set (restic then keeps everything; the parser refuses such a policy).
    public var hasNoKeepRule: Bool {
        keepLast <= 0 && keepHourly <= 0 && keepDaily <= 0 && keepWeekly <= 0 && keepMonthly <= 0
            && keepYearly <= 0 && keepWithin == nil && keepWithinHourly == nil && keepWithinDaily == nil
            && keepWithinWeekly == nil && keepWithinMonthly == nil && keepWithinYearly == nil && keepTags.isEmpty
    }
}
