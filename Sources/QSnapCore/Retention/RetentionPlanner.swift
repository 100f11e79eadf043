import Foundation

/// Decides which backups a retention policy keeps — restic's `forget` algorithm plus qsnap's rails. Pure.
///
/// The algorithm, applied to all given backups as one group:
/// 1. Sort newest first (ties: id descending, the later id is the newer backup as for `latest`; ids sort by start
///    time within a second, see ``BackupLayout/newID(at:random:)``). Duplicate ids are refused.
/// 2. Walk from newest to oldest. For each bucket rule with count left, compute the backup's bucket (UTC hour,
///    day, ISO week, month, year; `keep-last` gives every backup its own bucket). If it differs from the last
///    bucket that rule kept — or the backup is the oldest of all and the rule still has count left — keep it,
///    remember the bucket and use up one count. A bucket thus counts once and holds its newest backup.
/// 3. `keep-within D` keeps backups strictly newer than (newest backup time − D); `keep-within-daily D` etc.
///    apply the bucket walk, without a count, to the backups inside that window.
/// 4. Tags and pins keep backups without using up counts (like restic's `--keep-tag`).
/// 5. Rails: the newest verified backup is kept, and so is any backup dated after `now` (clock skew).
/// 6. Cap: of the backups left to forget, only the `max-deletions-per-run` oldest are deleted; the newer ones
///    are kept this run with reason "deletion cap" (the next run deletes them), so each run moves the
///    repository towards the policy from its far end.
///
/// A policy without any keep rule keeps everything (restic); the YAML parser refuses such policies anyway.
public enum RetentionPlanner {
    private struct BucketRule {
        let rule: RetentionReason.Rule
        var count: Int
        let granularity: Granularity
        var last: Int? = nil
    }

    private struct WithinRule {
        let rule: RetentionReason.Rule
        let duration: RetentionDuration
        let granularity: Granularity
        var last: Int? = nil
    }

    /// A calendar bucket size.
    enum Granularity {
        case hour, day, week, month, year

        /// The bucket key of `c` and its label.
        func bucket(_ c: UTCCivilTime) -> (key: Int, label: String) {
            switch self {
            case .hour:
                return (
                    ((c.year * 100 + c.month) * 100 + c.day) * 100 + c.hour,
                    String(format: "%04d-%02d-%02dT%02d", c.year, c.month, c.day, c.hour)
                )
            case .day:
                return (
                    (c.year * 100 + c.month) * 100 + c.day, String(format: "%04d-%02d-%02d", c.year, c.month, c.day)
                )
            case .week:
                let w = c.isoWeek
                return (w.year * 100 + w.week, String(format: "%04d-W%02d", w.year, w.week))
            case .month:
                return (c.year * 100 + c.month, String(format: "%04d-%02d", c.year, c.month))
            case .year:
                return (c.year, String(format: "%04d", c.year))
            }
        }
    }

    /// Plans retention.
    ///
    /// - Parameters:
    ///   - backups: every backup of the group, in any order.
    ///   - policy: the retention policy.
    ///   - now: the planning time; backups dated after it are kept (see rule 5).
    /// - Returns: one decision per backup, newest first.
    /// - Throws: `QSnapError` `.retentionDuplicateId` when two backups share an id.
    public static func plan(backups: [RetentionBackup], policy: RetentionPolicy, now: Date) throws -> RetentionPlan {
        var seen: Set<String> = []
        for backup in backups where !seen.insert(backup.id).inserted {
            throw QSnapError(
                .retentionDuplicateId,
                "two backups share the id '\(backup.id)'; the repository listing is inconsistent, run a verify before pruning"
            )
        }
        let sorted = backups.sorted { a, b in a.time != b.time ? a.time > b.time : a.id > b.id }
        guard let newest = sorted.first else { return RetentionPlan(decisions: [], now: now) }

        var reasons = Array(repeating: [RetentionReason](), count: sorted.count)
        if policy.hasNoKeepRule {
            for i in sorted.indices { reasons[i].append(RetentionReason(.emptyPolicy)) }
        } else {
            applyRestic(sorted, policy: policy, newest: newest.time, into: &reasons)
        }

        let pins = Set(policy.pins)
        var newestVerifiedKept = false
        for (i, backup) in sorted.enumerated() {
            for set in policy.keepTags where set.allSatisfy(backup.tags.contains) {
                reasons[i].append(RetentionReason(.tag, set.joined(separator: ",")))
            }
            if pins.contains(backup.id) {
                reasons[i].append(RetentionReason(.pin, "policy"))
            } else if backup.pinned {
                reasons[i].append(RetentionReason(.pin, "manifest"))
            }
            if backup.verified, !newestVerifiedKept {
                newestVerifiedKept = true
                reasons[i].append(RetentionReason(.newestVerified))
            }
            if backup.time > now {
                reasons[i].append(RetentionReason(.future, "dated after \(UTCCivilTime.iso8601(now))"))
            }
            if let until = backup.lockedUntil, until > now {
                reasons[i].append(RetentionReason(.objectLock, "until \(UTCCivilTime.iso8601(until))"))
            }
        }

        if let cap = policy.maxDeletionsPerRun {
            var deletions = 0
            for i in sorted.indices.reversed() where reasons[i].isEmpty {
                deletions += 1
                if deletions > cap { reasons[i].append(RetentionReason(.deletionCap, "\(cap) per run")) }
            }
        }

        let decisions = sorted.enumerated().map { i, backup in
            RetentionPlan.Decision(backup: backup, keep: !reasons[i].isEmpty, reasons: reasons[i])
        }
        return RetentionPlan(decisions: decisions, now: now)
    }

    /// restic's `ApplyPolicy` walk over `sorted` (newest first).
    private static func applyRestic(
        _ sorted: [RetentionBackup], policy: RetentionPolicy, newest: Date, into reasons: inout [[RetentionReason]]
    ) {
        var buckets = [
            BucketRule(rule: .hourly, count: policy.keepHourly, granularity: .hour),
            BucketRule(rule: .daily, count: policy.keepDaily, granularity: .day),
            BucketRule(rule: .weekly, count: policy.keepWeekly, granularity: .week),
            BucketRule(rule: .monthly, count: policy.keepMonthly, granularity: .month),
            BucketRule(rule: .yearly, count: policy.keepYearly, granularity: .year),
        ]
        let withinSpecs: [(RetentionReason.Rule, RetentionDuration?, Granularity)] = [
            (.withinHourly, policy.keepWithinHourly, .hour), (.withinDaily, policy.keepWithinDaily, .day),
            (.withinWeekly, policy.keepWithinWeekly, .week), (.withinMonthly, policy.keepWithinMonthly, .month),
            (.withinYearly, policy.keepWithinYearly, .year),
        ]
        var withins = withinSpecs.compactMap { rule, duration, granularity in
            duration.map { WithinRule(rule: rule, duration: $0, granularity: granularity) }
        }
        let withinCutoff = policy.keepWithin.map { $0.before(newest) }
        let withinCutoffs = withins.map { $0.duration.before(newest) }
        var lastLeft = policy.keepLast
        let oldest = sorted.count - 1

        for (nr, backup) in sorted.enumerated() {
            let civil = UTCCivilTime(backup.time)
            if lastLeft > 0 {
                reasons[nr].append(RetentionReason(.last, "#\(nr + 1)"))
                if lastLeft != RetentionPolicy.unlimited { lastLeft -= 1 }
            }
            if let withinCutoff, backup.time > withinCutoff, let d = policy.keepWithin {
                reasons[nr].append(RetentionReason(.within, d.description))
            }
            for i in buckets.indices where buckets[i].count > 0 {
                let (key, label) = buckets[i].granularity.bucket(civil)
                if key != buckets[i].last || nr == oldest {
                    buckets[i].last = key
                    if buckets[i].count != RetentionPolicy.unlimited { buckets[i].count -= 1 }
                    reasons[nr].append(RetentionReason(buckets[i].rule, label))
                }
            }
            for i in withins.indices where backup.time > withinCutoffs[i] {
                let (key, label) = withins[i].granularity.bucket(civil)
                if key != withins[i].last || nr == oldest {
                    withins[i].last = key
                    reasons[nr].append(RetentionReason(withins[i].rule, "\(withins[i].duration) \(label)"))
                }
            }
        }
    }
}
