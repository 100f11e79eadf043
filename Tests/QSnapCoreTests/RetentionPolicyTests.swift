import Foundation
import Testing

@testable import QSnapCore

/// Parsing retention policy files: every key, and errors that name the file and line.
@Suite struct RetentionPolicyTests {
    /// The repository root, found from this file's path.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    func parseError(_ yaml: String, file: String = "p.yaml") -> QSnapError? {
        do {
            _ = try RetentionPolicy.parse(yaml: yaml, file: file)
            return nil
        } catch let error as QSnapError {
            return error
        } catch {
            return nil
        }
    }

    @Test func parsesEveryKey() throws {
        let yaml = """
            description: everything
            keep-last: 3
            keep-hourly: 24
            keep-daily: 7
            keep-weekly: 4
            keep-monthly: unlimited
            keep-yearly: 2
            keep-within: 1y6m
            keep-within-hourly: 2d12h
            keep-within-daily: 30d
            keep-within-weekly: 3m
            keep-within-monthly: 2y
            keep-within-yearly: 10y
            keep-tags: [release, "pre-upgrade,manual"]
            pins:
              - 20261120T000000Z-abc
            max-deletions-per-run: 25
            """
        let p = try RetentionPolicy.parse(yaml: yaml, file: "all.yaml")
        #expect(p.keepLast == 3 && p.keepHourly == 24 && p.keepDaily == 7 && p.keepWeekly == 4 && p.keepYearly == 2)
        #expect(p.keepMonthly == RetentionPolicy.unlimited)
        #expect(p.keepWithin == RetentionDuration(years: 1, months: 6))
        #expect(p.keepWithinHourly == RetentionDuration(days: 2, hours: 12))
        #expect(p.keepWithinWeekly == RetentionDuration(months: 3))
        #expect(p.keepTags == [["release"], ["pre-upgrade", "manual"]])
        #expect(p.pins == ["20261120T000000Z-abc"])
        #expect(p.maxDeletionsPerRun == 25)
        #expect(p.description == "everything")
    }

    @Test func unknownKeysNameTheFileAndLine() throws {
        let error = try #require(parseError("keep-daily: 7\nkeep_weekly: 4\n", file: "policies/x.yaml"))
        #expect(error.code == .retentionPolicy)
        #expect(error.message.hasPrefix("policies/x.yaml:2: unknown key 'keep_weekly'"))
        #expect(error.message.contains("did you mean 'keep-weekly'?"))
        let other = try #require(parseError("keep-daily: 7\n\nkeep-fortnightly: 2\n"))
        #expect(other.message.hasPrefix("p.yaml:3: unknown key 'keep-fortnightly'"))
        #expect(other.message.contains("valid keys:"))
    }

    @Test(arguments: [
        ("keep-daily: -1\n", 1, "'keep-daily' must be a whole number"),
        ("keep-last: 2\nkeep-daily: seven\n", 2, "'keep-daily' must be a whole number"),
        ("keep-daily: 7\nkeep-within: 30x\n", 2, "'keep-within' must be a positive duration"),
        ("keep-daily: 7\nkeep-within: 0d\n", 2, "'keep-within' must be a positive duration"),
        ("keep-daily: 7\nkeep-within: 1d1d\n", 2, "'keep-within' must be a positive duration"),
        ("keep-daily: 7\nmax-deletions-per-run: unlimited\n", 2, "'max-deletions-per-run' must be a whole number"),
        ("keep-daily: 7\nkeep-daily: 8\n", 2, "appears twice"),
        ("keep-daily:\n", 1, "has no value"),
        ("keep-daily: [1, 2]\n", 1, "must be a single value"),
        ("- keep-daily\n", 1, "must be a mapping"),
        ("pins: [a]\n", 1, "has no keep rule"),
        ("keep-daily: 7\nkeep-tags: [\"a,,b\"]\n", 2, "'keep-tags' entries"),
        ("keep-daily: 7\n  keep-weekly: 2\n", 2, "fix the YAML syntax"),
        ("", 1, "is empty"),
    ])
    func rejects(_ yaml: String, line: Int, reason: String) throws {
        let error = try #require(parseError(yaml))
        #expect(error.code == .retentionPolicy)
        #expect(error.code.category == .usage)
        #expect(error.message.hasPrefix("p.yaml:\(line):"), "\(error.message)")
        #expect(error.message.contains(reason), "\(error.message)")
    }

    @Test func durationsFollowResticUnits() {
        #expect(RetentionDuration("1y2m3d4h") == RetentionDuration(years: 1, months: 2, days: 3, hours: 4))
        #expect(RetentionDuration("4h3d") == RetentionDuration(days: 3, hours: 4))
        #expect(RetentionDuration("30d")?.description == "30d")
        for bad in ["", "d", "30", "3w", "1.5d", "-1d", "1d 2h", "0y0m"] {
            #expect(RetentionDuration(bad) == nil, "\(bad)")
        }
    }

    @Test(arguments: ["default.yaml", "gfs.yaml", "hourly-critical.yaml"])
    func examplePoliciesParse(_ name: String) throws {
        let url = Self.root.appendingPathComponent("policies/retention/\(name)")
        let text = try String(contentsOf: url, encoding: .utf8)
        let policy = try RetentionPolicy.parse(yaml: text, file: "policies/retention/\(name)")
        #expect(!policy.hasNoKeepRule)
        #expect(policy.maxDeletionsPerRun != nil)
        #expect(policy.description?.isEmpty == false)
    }
}
