import Foundation
import Testing

@testable import QSnapCore

/// Rendering a plan for dry runs and `--json`.
@Suite struct RetentionPlanRenderingTests {
    @Test func rendersTextAndJSON() throws {
        let backups = (0..<5).map {
            RetentionPlannerTests.backup("b\($0)", String(format: "2026-11-%02dT12:00:00Z", $0 + 1))
        }
        let plan = try RetentionPlanner.plan(
            backups: backups, policy: RetentionPolicy(keepLast: 2, maxDeletionsPerRun: 2),
            now: RetentionPlannerTests.now)
        let lines = plan.textLines()
        #expect(lines.first == "keep   b4  2026-11-05T12:00:00Z  last #1, newest verified")
        #expect(lines.contains("keep   b2  2026-11-03T12:00:00Z  deletion cap 2 per run"))
        #expect(lines.contains("forget b0  2026-11-01T12:00:00Z"))
        #expect(lines.last == "3 kept, 2 to delete, 1 held back by the deletion cap")
        let json = plan.json
        #expect(json["deletion_order"] == .array([.string("b0"), .string("b1")]))
        #expect(json["decisions"]?[0]?["reasons"]?[0]?["text"] == .string("last #1"))
        #expect(json["held_by_cap"]?.intValue == 1)
    }
}
