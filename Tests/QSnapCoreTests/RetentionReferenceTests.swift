import Foundation
import QSnapTestSupport
import Testing

@testable import QSnapCore

/// ``RetentionPlanner`` checked against an independent reference over generated histories: years of hourly
/// backups with random gaps, outages and jitter, from fixed seeds.
///
/// The reference does not walk the history like restic does. It groups backups by bucket (computed with
/// Foundation's ISO 8601 `Calendar` in UTC, not with ``UTCCivilTime``), sorts the bucket keys, takes the newest
/// backup of each of the N newest buckets, and adds the oldest backup when fewer than N buckets exist — the
/// documented meaning of restic's walk. Each rule's kept set is compared separately, then the whole plan.
@Suite struct RetentionReferenceTests {
    /// Hourly backups over `years`, with skipped hours, missing days and week-long outages.
    static func history(seed: UInt64, years: Int) -> [RetentionBackup] {
        var rng = SeededGenerator(state: seed)
        let start = Date(timeIntervalSince1970: 1_640_995_200 + Double(seed % 500) * 3600)  // around 2022-01-01
        let hours = years * 8766
        var backups: [RetentionBackup] = []
        var h = 0
        while h < hours {
            let roll = Int.random(in: 0..<1000, using: &rng)
            if roll < 2 {
                h += Int.random(in: 24...(24 * 20), using: &rng)  // an outage of days to weeks
                continue
            }
            if roll < 12 {
                h += Int.random(in: 2...30, using: &rng)  // a missed stretch of hours
                continue
            }
            if roll < 150 { h += 1; continue }  // a skipped hour
            let jitter =
                Double(Int.random(in: 0..<3599, using: &rng)) + Double(Int.random(in: 0..<1000, using: &rng)) / 1000
            let time = start.addingTimeInterval(Double(h) * 3600 + jitter)
            backups.append(
                RetentionBackup(
                    id: String(format: "s%llu-%06d", seed, h), time: time,
                    verified: Int.random(in: 0..<10, using: &rng) != 0))
            h += 1
        }
        return backups
    }

    /// Calendar buckets from Foundation (independent of ``UTCCivilTime``).
    struct Buckets {
        let hour: Int, day: Int, week: Int, month: Int, year: Int

        static let calendar: Calendar = {
            var c = Calendar(identifier: .iso8601)
            c.timeZone = TimeZone(identifier: "UTC")!
            return c
        }()

        init(_ date: Date) {
            let c = Self.calendar.dateComponents(
                [.year, .month, .day, .hour, .weekOfYear, .yearForWeekOfYear], from: date)
            year = c.year!
            month = year * 12 + c.month!
            day = Int((date.timeIntervalSince1970 / 86_400).rounded(.down))
            hour = Int((date.timeIntervalSince1970 / 3600).rounded(.down))
            week = c.yearForWeekOfYear! * 60 + c.weekOfYear!
        }

        func key(_ rule: RetentionReason.Rule) -> Int {
            switch rule {
            case .hourly, .withinHourly: return hour
            case .daily, .withinDaily: return day
            case .weekly, .withinWeekly: return week
            case .monthly, .withinMonthly: return month
            default: return year
            }
        }
    }

    /// Newest first, ties by id descending (the documented order).
    static func newestFirst(_ a: RetentionBackup, _ b: RetentionBackup) -> Bool {
        a.time != b.time ? a.time > b.time : a.id > b.id
    }

    /// The ids the reference keeps for one bucket rule with count `n`.
    static func referenceBucketRule(
        _ rule: RetentionReason.Rule, count n: Int, backups: [RetentionBackup], buckets: [String: Buckets]
    ) -> Set<String> {
        guard n > 0, !backups.isEmpty else { return [] }
        let groups = Dictionary(grouping: backups) { buckets[$0.id]!.key(rule) }
        let newestKeys = groups.keys.sorted(by: >).prefix(n)
        var kept = Set(newestKeys.map { groups[$0]!.min(by: newestFirst)!.id })
        if groups.count < n { kept.insert(backups.min { newestFirst($1, $0) }!.id) }
        return kept
    }

    /// The ids the reference keeps for one keep-within-<bucket> rule whose window starts after `cutoff`.
    static func referenceWithinBucketRule(
        _ rule: RetentionReason.Rule, cutoff: Date, backups: [RetentionBackup], buckets: [String: Buckets]
    ) -> Set<String> {
        let inside = backups.filter { $0.time > cutoff }
        let groups = Dictionary(grouping: inside) { buckets[$0.id]!.key(rule) }
        var kept = Set(groups.values.map { $0.min(by: newestFirst)!.id })
        let oldest = backups.min { newestFirst($1, $0) }!
        if oldest.time > cutoff { kept.insert(oldest.id) }
        return kept
    }

    static func ids(_ plan: RetentionPlan, rule: RetentionReason.Rule) -> Set<String> {
        Set(plan.decisions.filter { $0.reasons.contains { $0.rule == rule } }.map(\.backup.id))
    }

    static let policies: [RetentionPolicy] = [
        RetentionPolicy(keepLast: 24, keepDaily: 14, keepWeekly: 8, keepMonthly: 24, keepYearly: 10),
        RetentionPolicy(keepHourly: 72, keepDaily: 60, keepWeekly: 300, keepMonthly: 6),
        RetentionPolicy(keepDaily: 2000, keepYearly: 2),
        RetentionPolicy(keepLast: 5, keepWithin: RetentionDuration("10d12h")),
        RetentionPolicy(
            keepHourly: 3, keepWithinHourly: RetentionDuration("2d"), keepWithinDaily: RetentionDuration("45d"),
            keepWithinWeekly: RetentionDuration("200d")),
        RetentionPolicy(keepWeekly: 1, keepMonthly: 1000, maxDeletionsPerRun: 500),
    ]

    @Test(arguments: [UInt64(1), 7, 42, 2026])
    func plannerMatchesTheReference(seed: UInt64) throws {
        let backups = Self.history(seed: seed, years: seed == 2026 ? 4 : 3)
        #expect(backups.count > 12_000)  // years of hourly backups, minus the gaps
        let buckets = Dictionary(uniqueKeysWithValues: backups.map { ($0.id, Buckets($0.time)) })
        let sorted = backups.sorted(by: Self.newestFirst)
        let newest = sorted[0].time
        let now = newest.addingTimeInterval(3600)

        for policy in Self.policies {
            let plan = try RetentionPlanner.plan(backups: backups.shuffled(), policy: policy, now: now)
            let sameOrder = plan.decisions.map(\.backup.id) == sorted.map(\.id)
            #expect(sameOrder, "decisions must be newest first")

            var expected: Set<String> = []
            func check(_ rule: RetentionReason.Rule, _ reference: Set<String>) {
                let actual = Self.ids(plan, rule: rule)
                let same = actual == reference
                #expect(
                    same,
                    "rule \(rule), seed \(seed): planner-only \(actual.subtracting(reference).sorted().prefix(5)), reference-only \(reference.subtracting(actual).sorted().prefix(5))"
                )
                expected.formUnion(reference)
            }
            check(.last, Set(sorted.prefix(policy.keepLast).map(\.id)))
            check(
                .hourly, Self.referenceBucketRule(.hourly, count: policy.keepHourly, backups: backups, buckets: buckets)
            )
            check(.daily, Self.referenceBucketRule(.daily, count: policy.keepDaily, backups: backups, buckets: buckets))
            check(
                .weekly, Self.referenceBucketRule(.weekly, count: policy.keepWeekly, backups: backups, buckets: buckets)
            )
            check(
                .monthly,
                Self.referenceBucketRule(.monthly, count: policy.keepMonthly, backups: backups, buckets: buckets))
            check(
                .yearly, Self.referenceBucketRule(.yearly, count: policy.keepYearly, backups: backups, buckets: buckets)
            )
            // Durations here are days and hours only, so plain seconds arithmetic is the reference cut-off.
            func cutoff(_ d: RetentionDuration?) -> Date? {
                d.map { newest.addingTimeInterval(-Double($0.days * 86_400 + $0.hours * 3600)) }
            }
            check(.within, Set(cutoff(policy.keepWithin).map { c in backups.filter { $0.time > c }.map(\.id) } ?? []))
            for (rule, duration) in [
                (RetentionReason.Rule.withinHourly, policy.keepWithinHourly), (.withinDaily, policy.keepWithinDaily),
                (.withinWeekly, policy.keepWithinWeekly),
            ] {
                check(
                    rule,
                    cutoff(duration).map {
                        Self.referenceWithinBucketRule(rule, cutoff: $0, backups: backups, buckets: buckets)
                    } ?? [])
            }
            let newestVerified = sorted.first(where: \.verified)!.id
            check(.newestVerified, [newestVerified])

            // Everything not kept by a rule is a deletion candidate; the cap holds back the newest of them.
            let candidates = sorted.filter { !expected.contains($0.id) }
            let cap = policy.maxDeletionsPerRun ?? Int.max
            let deleted = Array(candidates.reversed().prefix(cap))
            let sameDeletions = plan.forgotten.map(\.id) == deleted.map(\.id)
            #expect(sameDeletions, "seed \(seed): \(plan.forgotten.count) deletions planned, \(deleted.count) expected")
            #expect(plan.heldByCap == candidates.count - deleted.count)
            let sameKept = Set(plan.kept.map(\.id)) == Set(sorted.map(\.id)).subtracting(deleted.map(\.id))
            #expect(sameKept, "seed \(seed): kept set differs")
            if policy.maxDeletionsPerRun != nil { #expect(plan.heldByCap > 0) }
        }
    }

    @Test func monthAndYearWindowsMatchCalendarArithmeticAwayFromMonthEnds() {
        // Away from day 29–31, Go's AddDate and Foundation's calendar agree; check many points.
        var rng = SeededGenerator(state: 99)
        for _ in 0..<2000 {
            let base = Date(timeIntervalSince1970: Double(Int.random(in: 0..<2_000_000_000, using: &rng)))
            let day = Buckets.calendar.component(.day, from: base)
            guard day <= 28 else { continue }
            let y = Int.random(in: 0..<5, using: &rng), m = Int.random(in: 0..<30, using: &rng)
            let d = Int.random(in: 0..<400, using: &rng), h = Int.random(in: 0..<100, using: &rng)
            let ours = RetentionDuration(years: y, months: m, days: d, hours: h).before(base)
            var comps = DateComponents()
            comps.year = -y
            comps.month = -m
            let monthsBack = Buckets.calendar.date(byAdding: comps, to: base)!
            let theirs = monthsBack.addingTimeInterval(-Double(d * 86_400 + h * 3600))
            #expect(ours == theirs)
        }
    }
}
