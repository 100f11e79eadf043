import Foundation
import Testing

@testable import QSnapCore

/// Hand-written cases for each rule and rail of ``RetentionPlanner``.
@Suite struct RetentionPlannerTests {
    /// A UTC date from text.
    static func at(_ text: String) -> Date { UTCCivilTime.parseISO8601(text)! }

    static func backup(_ id: String, _ time: String, verified: Bool = true, pinned: Bool = false, tags: [String] = [])
        -> RetentionBackup
    {
        RetentionBackup(id: id, time: at(time), verified: verified, pinned: pinned, tags: tags)
    }

    static let now = at("2027-01-01T00:00:00Z")

    func keptIDs(_ plan: RetentionPlan) -> [String] { plan.kept.map(\.id) }

    @Test func emptyHistoryPlansNothing() throws {
        let plan = try RetentionPlanner.plan(backups: [], policy: RetentionPolicy(keepDaily: 7), now: Self.now)
        #expect(plan.decisions.isEmpty)
        #expect(plan.forgotten.isEmpty)
    }

    @Test func keepLastKeepsTheNewestN() throws {
        let backups = (0..<6).map { Self.backup("b\($0)", "2026-11-2\($0)T10:00:00Z") }
        let plan = try RetentionPlanner.plan(
            backups: backups.shuffled(), policy: RetentionPolicy(keepLast: 3), now: Self.now)
        #expect(keptIDs(plan) == ["b5", "b4", "b3"])
        #expect(plan.forgotten.map(\.id) == ["b0", "b1", "b2"])
        #expect(plan.decision(for: "b5")?.reasons.map(\.description).contains("last #1") == true)
    }

    @Test func dailyKeepsTheNewestBackupOfEachDay() throws {
        let backups = [
            Self.backup("d20a", "2026-11-20T01:00:00Z"), Self.backup("d20b", "2026-11-20T23:00:00Z"),
            Self.backup("d21a", "2026-11-21T05:00:00Z"), Self.backup("d21b", "2026-11-21T06:00:00Z"),
            Self.backup("d19", "2026-11-19T12:00:00Z"), Self.backup("d18", "2026-11-18T12:00:00Z"),
        ]
        let plan = try RetentionPlanner.plan(backups: backups, policy: RetentionPolicy(keepDaily: 2), now: Self.now)
        #expect(keptIDs(plan) == ["d21b", "d20b"])
        #expect(plan.decision(for: "d20b")?.reasons == [RetentionReason(.daily, "2026-11-20")])
        #expect(plan.decision(for: "d20b")?.reasons.first?.description == "daily 2026-11-20")
    }

    @Test func oldestIsKeptWhenBucketsRunOut() throws {
        // Three days of backups, keep-daily 5: restic keeps the newest of each day plus the oldest backup.
        let backups = [
            Self.backup("a1", "2026-11-18T01:00:00Z"), Self.backup("a2", "2026-11-18T02:00:00Z"),
            Self.backup("b", "2026-11-19T02:00:00Z"), Self.backup("c", "2026-11-20T02:00:00Z"),
        ]
        let plan = try RetentionPlanner.plan(backups: backups, policy: RetentionPolicy(keepDaily: 5), now: Self.now)
        #expect(Set(keptIDs(plan)) == ["a1", "a2", "b", "c"])
        let exact = try RetentionPlanner.plan(backups: backups, policy: RetentionPolicy(keepDaily: 3), now: Self.now)
        #expect(exact.forgotten.map(\.id) == ["a1"])
    }

    @Test func weeklyUsesISOWeeksAcrossTheYearBoundary() throws {
        // 2026-12-31 (Thursday) and 2027-01-03 (Sunday) are both in ISO week 2026-W53; 2027-01-04 starts 2027-W01.
        let backups = [
            Self.backup("thu", "2026-12-31T12:00:00Z"), Self.backup("sun", "2027-01-03T12:00:00Z"),
            Self.backup("mon", "2027-01-04T12:00:00Z"), Self.backup("old", "2026-12-20T12:00:00Z"),
        ]
        let plan = try RetentionPlanner.plan(
            backups: backups, policy: RetentionPolicy(keepWeekly: 2), now: Self.at("2027-02-01T00:00:00Z"))
        #expect(keptIDs(plan) == ["mon", "sun"])
        #expect(plan.decision(for: "sun")?.reasons.map(\.description) == ["weekly 2026-W53"])
        #expect(plan.decision(for: "mon")?.reasons.first?.description == "weekly 2027-W01")
    }

    @Test func hourlyMonthlyYearlyBuckets() throws {
        let backups = [
            Self.backup("h1", "2026-11-20T10:59:59Z"), Self.backup("h2", "2026-11-20T10:00:00Z"),
            Self.backup("h3", "2026-11-20T09:30:00Z"), Self.backup("m10", "2026-10-31T23:59:59Z"),
            Self.backup("y25", "2025-06-01T00:00:00Z"), Self.backup("y24", "2024-02-29T00:00:00Z"),
        ]
        let hourly = try RetentionPlanner.plan(backups: backups, policy: RetentionPolicy(keepHourly: 2), now: Self.now)
        #expect(keptIDs(hourly) == ["h1", "h3"])
        #expect(hourly.decision(for: "h1")?.reasons.first?.description == "hourly 2026-11-20T10")
        let monthly = try RetentionPlanner.plan(
            backups: backups, policy: RetentionPolicy(keepMonthly: 2), now: Self.now)
        #expect(keptIDs(monthly) == ["h1", "m10"])
        let yearly = try RetentionPlanner.plan(backups: backups, policy: RetentionPolicy(keepYearly: 3), now: Self.now)
        #expect(keptIDs(yearly) == ["h1", "y25", "y24"])
        #expect(yearly.decision(for: "y24")?.reasons.first?.description == "yearly 2024")
    }

    @Test func unlimitedKeepsOnePerBucketForEver() throws {
        let backups = (1...9).flatMap { m in
            [Self.backup("m\(m)a", "2026-0\(m)-10T00:00:00Z"), Self.backup("m\(m)b", "2026-0\(m)-01T00:00:00Z")]
        }
        let plan = try RetentionPlanner.plan(
            backups: backups, policy: RetentionPolicy(keepMonthly: RetentionPolicy.unlimited), now: Self.now)
        #expect(plan.kept.count == 9 + 1)  // one per month plus the oldest backup (count never runs out)
        #expect(plan.forgotten.count == 8)
    }

    @Test func keepWithinIsMeasuredFromTheNewestBackupNotFromNow() throws {
        let backups = [
            Self.backup("n", "2026-06-30T12:00:00Z"), Self.backup("in", "2026-06-01T12:00:01Z"),
            Self.backup("edge", "2026-05-31T12:00:00Z"), Self.backup("out", "2026-05-01T00:00:00Z"),
        ]
        // now is months later: restic measures from the newest backup, so a stalled schedule ages nothing out.
        let plan = try RetentionPlanner.plan(
            backups: backups, policy: RetentionPolicy(keepWithin: RetentionDuration("30d")), now: Self.now)
        #expect(keptIDs(plan) == ["n", "in"])  // the cut-off itself (exactly 30 days) is not "within"
        #expect(plan.decision(for: "in")?.reasons.map(\.description) == ["within 30d"])
    }

    @Test func keepWithinMonthsFollowsGoDateNormalisation() throws {
        // 2026-03-31 minus 1 month is "2026-02-31" = 2026-03-03 in Go (restic), not 2026-02-28.
        #expect(
            UTCCivilTime.iso8601(RetentionDuration("1m")!.before(Self.at("2026-03-31T06:00:00Z")))
                == "2026-03-03T06:00:00Z")
        #expect(
            UTCCivilTime.iso8601(RetentionDuration("1y")!.before(Self.at("2028-02-29T00:00:00Z")))
                == "2027-03-01T00:00:00Z")
        #expect(
            UTCCivilTime.iso8601(RetentionDuration("1d12h")!.before(Self.at("2026-03-01T06:00:00Z")))
                == "2026-02-27T18:00:00Z")
        let backups = [
            Self.backup("n", "2026-03-31T06:00:00Z"), Self.backup("mar2", "2026-03-02T06:00:00Z"),
            Self.backup("mar4", "2026-03-04T06:00:00Z"),
        ]
        let plan = try RetentionPlanner.plan(
            backups: backups, policy: RetentionPolicy(keepWithin: RetentionDuration("1m")), now: Self.now)
        #expect(keptIDs(plan) == ["n", "mar4"])
    }

    @Test func keepWithinDailyKeepsOnePerDayInsideTheWindow() throws {
        let backups = [
            Self.backup("d3b", "2026-11-03T20:00:00Z"), Self.backup("d3a", "2026-11-03T08:00:00Z"),
            Self.backup("d2b", "2026-11-02T20:00:00Z"), Self.backup("d2a", "2026-11-02T08:00:00Z"),
            Self.backup("d1", "2026-10-25T08:00:00Z"), Self.backup("d0", "2026-10-20T08:00:00Z"),
        ]
        let plan = try RetentionPlanner.plan(
            backups: backups, policy: RetentionPolicy(keepWithinDaily: RetentionDuration("7d")), now: Self.now)
        #expect(keptIDs(plan) == ["d3b", "d2b"])
        #expect(plan.decision(for: "d2b")?.reasons.map(\.description) == ["within daily 7d 2026-11-02"])
    }

    @Test func rulesCombineAndEveryReasonIsListed() throws {
        let backups = (0..<10).map { Self.backup("b\($0)", String(format: "2026-11-%02dT12:00:00Z", $0 + 1)) }
        let plan = try RetentionPlanner.plan(
            backups: backups, policy: RetentionPolicy(keepLast: 2, keepDaily: 3, keepMonthly: 1), now: Self.now)
        #expect(keptIDs(plan) == ["b9", "b8", "b7"])
        #expect(
            plan.decision(for: "b9")?.reasons.map(\.description) == [
                "last #1", "daily 2026-11-10", "monthly 2026-11", "newest verified",
            ])
    }

    @Test func pinsAndTagsAreKeptWithoutUsingCounts() throws {
        let backups = [
            Self.backup("new", "2026-11-20T00:00:00Z"),
            Self.backup("rel", "2026-11-19T00:00:00Z", tags: ["release", "x"]),
            Self.backup("half", "2026-11-18T00:00:00Z", tags: ["release"]), Self.backup("pin", "2026-11-17T00:00:00Z"),
            Self.backup("mpin", "2026-11-16T00:00:00Z", pinned: true), Self.backup("gone", "2026-11-15T00:00:00Z"),
        ]
        let policy = RetentionPolicy(keepLast: 2, keepTags: [["release", "x"]], pins: ["pin"])
        let plan = try RetentionPlanner.plan(backups: backups, policy: policy, now: Self.now)
        #expect(Set(keptIDs(plan)) == ["new", "rel", "pin", "mpin"])
        #expect(plan.decision(for: "rel")?.reasons.map(\.description) == ["last #2", "tag release,x"])
        #expect(plan.decision(for: "pin")?.reasons.map(\.description) == ["pin policy"])
        #expect(plan.decision(for: "mpin")?.reasons.map(\.description) == ["pin manifest"])
        #expect(plan.forgotten.map(\.id) == ["gone", "half"])
    }

    @Test func theNewestVerifiedBackupIsNeverDeleted() throws {
        let backups = [
            Self.backup("u2", "2026-11-20T00:00:00Z", verified: false),
            Self.backup("u1", "2026-11-19T00:00:00Z", verified: false),
            Self.backup("v2", "2026-11-18T00:00:00Z"), Self.backup("v1", "2026-11-17T00:00:00Z"),
        ]
        let plan = try RetentionPlanner.plan(backups: backups, policy: RetentionPolicy(keepLast: 1), now: Self.now)
        #expect(keptIDs(plan) == ["u2", "v2"])
        #expect(plan.decision(for: "v2")?.reasons == [RetentionReason(.newestVerified)])
        #expect(plan.forgotten.map(\.id) == ["v1", "u1"])
    }

    @Test func deletionCapDeletesTheOldestFirst() throws {
        let backups = (0..<8).map { Self.backup("b\($0)", String(format: "2026-11-%02dT12:00:00Z", $0 + 1)) }
        let policy = RetentionPolicy(keepLast: 2, maxDeletionsPerRun: 4)
        let plan = try RetentionPlanner.plan(backups: backups, policy: policy, now: Self.now)
        #expect(plan.forgotten.map(\.id) == ["b0", "b1", "b2", "b3"])
        #expect(plan.heldByCap == 2)
        #expect(plan.decision(for: "b5")?.reasons.map(\.description) == ["deletion cap 4 per run"])
        #expect(plan.decision(for: "b4")?.keep == true)
        // The next run, after those deletions, finishes the job.
        let next = try RetentionPlanner.plan(backups: plan.kept, policy: policy, now: Self.now)
        #expect(next.forgotten.map(\.id) == ["b4", "b5"])
        let none = try RetentionPlanner.plan(
            backups: backups, policy: RetentionPolicy(keepLast: 2, maxDeletionsPerRun: 0), now: Self.now)
        #expect(none.forgotten.isEmpty)
    }

    @Test func backupsDatedAfterNowAreKept() throws {
        let backups = [
            Self.backup("future", "2027-06-01T00:00:00Z"), Self.backup("a", "2026-11-20T00:00:00Z"),
            Self.backup("b", "2026-11-19T00:00:00Z"),
        ]
        let plan = try RetentionPlanner.plan(backups: backups, policy: RetentionPolicy(keepLast: 1), now: Self.now)
        #expect(keptIDs(plan) == ["future"])
        #expect(plan.decision(for: "future")?.reasons.map(\.rule) == [.last, .newestVerified, .future])
        #expect(plan.forgotten.map(\.id) == ["b", "a"])
    }

    @Test func orderIsDeterministicForEqualTimes() throws {
        let backups = ["c", "a", "b"].map { Self.backup($0, "2026-11-20T00:00:00Z") }
        let p1 = try RetentionPlanner.plan(backups: backups, policy: RetentionPolicy(keepLast: 1), now: Self.now)
        let p2 = try RetentionPlanner.plan(
            backups: backups.reversed(), policy: RetentionPolicy(keepLast: 1), now: Self.now)
        #expect(p1 == p2)
        #expect(p1.decisions.map(\.backup.id) == ["c", "b", "a"])
    }

    /// Two backups started in the same second: the later id is the newer backup (as for `latest` and `list`), so
    /// keep-last keeps the one started last whatever the random bits of the ids.
    @Test(arguments: [
        ([UInt8](repeating: 0, count: 3), [UInt8](repeating: 0xff, count: 3)), ([0xff, 0xff, 0xff], [0, 0, 0]),
    ])
    func theLaterOfTwoBackupsInOneSecondIsTheNewest(olderRandom: [UInt8], newerRandom: [UInt8]) throws {
        let second = Self.at("2026-11-20T10:00:00Z")
        let older = BackupLayout.newID(at: second.addingTimeInterval(0.1), random: olderRandom)
        let newer = BackupLayout.newID(at: second.addingTimeInterval(0.6), random: newerRandom)
        let backups = [older, newer].map { RetentionBackup(id: $0, time: BackupLayout.date(ofID: $0)!) }
        for order in [backups, backups.reversed()] {
            let plan = try RetentionPlanner.plan(backups: order, policy: RetentionPolicy(keepLast: 1), now: Self.now)
            #expect(plan.decisions.map(\.backup.id) == [newer, older])
            #expect(keptIDs(plan) == [newer])
            #expect(plan.forgotten.map(\.id) == [older])
        }
    }

    @Test func duplicateIDsAreRefused() {
        let backups = [Self.backup("x", "2026-11-20T00:00:00Z"), Self.backup("x", "2026-11-19T00:00:00Z")]
        #expect(throws: QSnapError.self) {
            try RetentionPlanner.plan(backups: backups, policy: RetentionPolicy(keepLast: 1), now: Self.now)
        }
    }

    @Test func aPolicyWithoutRulesKeepsEverything() throws {
        let backups = [Self.backup("a", "2026-11-20T00:00:00Z"), Self.backup("b", "2026-11-19T00:00:00Z")]
        let plan = try RetentionPlanner.plan(backups: backups, policy: RetentionPolicy(), now: Self.now)
        #expect(plan.forgotten.isEmpty)
        #expect(plan.decision(for: "b")?.reasons.first?.rule == .emptyPolicy)
    }
}
