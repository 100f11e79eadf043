import Foundation
import Testing

@testable import QSnapCore

/// The drill report: figures, JSON with stable keys, Markdown.
@Suite struct DrillReportTests {
    static func at(_ s: String) -> Date { UTCCivilTime.parseISO8601(s)! }

    static func report(restored: Int64? = 1000, leftover: [String] = [], error: String? = nil) -> DrillReport {
        DrillReport(
            backupID: "20261121T180000Z-7f3a", backupTime: at("2026-11-21T18:00:00Z"), sourceVersion: "1.17.0",
            target: "http://localhost:6333", started: at("2026-11-21T20:00:00Z"),
            restoreStarted: at("2026-11-21T20:00:05Z"), restoreFinished: at("2026-11-21T20:01:17.5Z"),
            finished: at("2026-11-21T20:01:30Z"),
            collections: [
                .init(
                    name: "products", scratchName: "qsnap-drill-7f3a-products", expectedPoints: 1000,
                    restoredPoints: restored),
                .init(name: "users|x", scratchName: "qsnap-drill-7f3a-users", expectedPoints: 20, restoredPoints: 20),
            ],
            checks: [
                .init(name: "checksums", passed: true, detail: "12 objects"),
                .init(name: "point counts", passed: restored == 1000),
            ],
            cleanup: .init(
                removed: ["qsnap-drill-7f3a-products", "qsnap-drill-7f3a-users"].filter { !leftover.contains($0) },
                leftover: leftover),
            error: error)
    }

    @Test func computesRTOAndRPO() {
        let r = Self.report()
        #expect(r.rtoSeconds == 72.5)  // restore wall time
        #expect(r.rpoSeconds == 7200)  // backup age at drill start
        #expect(r.passed)
    }

    @Test func failsOnMismatchLeftoverOrError() {
        #expect(!Self.report(restored: 999).passed)
        #expect(!Self.report(restored: nil).passed)
        let partial = Self.report(leftover: ["qsnap-drill-7f3a-users"])
        #expect(partial.cleanup.status == .partial && !partial.passed)
        #expect(DrillReport.Cleanup(removed: [], leftover: ["a"], failed: true).status == .failed)
        #expect(!Self.report(error: "restore failed").passed)
    }

    @Test func jsonHasStableKeysAndRoundTrips() throws {
        let r = Self.report()
        let json = try #require(try JSONSerialization.jsonObject(with: r.jsonData()) as? [String: Any])
        #expect(
            Set(json.keys) == [
                "format_version", "backup_id", "backup_time", "source_version", "target", "started", "finished",
                "rto_seconds", "rpo_seconds", "collections", "checks", "cleanup", "error", "passed",
            ])
        #expect(json["rto_seconds"] as? Double == 72.5)
        #expect(json["started"] as? String == "2026-11-21T20:00:00Z")
        #expect(json["passed"] as? Bool == true)
        let first = try #require((json["collections"] as? [[String: Any]])?.first)
        #expect(Set(first.keys) == ["name", "scratch_name", "expected_points", "restored_points", "passed"])
        #expect((json["cleanup"] as? [String: Any])?["status"] as? String == "complete")
        let decoded = try JSONDecoder().decode(DrillReport.self, from: r.jsonData())
        #expect(decoded == r)
        #expect(r.jsonData() == r.jsonData())  // byte-stable
    }

    @Test func markdownShowsTheFigures() {
        let md = Self.report(restored: 999, leftover: ["qsnap-drill-7f3a-users"]).markdown()
        #expect(md.hasPrefix("# Disaster-recovery drill: FAILED\n"))
        #expect(md.contains("| RTO (restore wall time) | 72.500 s (1 min 12 s) |"))
        #expect(md.contains("| RPO (backup age at drill start) | 7200.000 s (2 h 0 min) |"))
        #expect(md.contains("| products | qsnap-drill-7f3a-products | 1000 | 999 | MISMATCH |"))
        #expect(md.contains("| users\\|x | qsnap-drill-7f3a-users | 20 | 20 | ok |"))
        #expect(md.contains("| point counts | FAILED |"))
        #expect(md.contains("Status: **partial**"))
        #expect(md.contains("`qsnap-drill-7f3a-users` — delete these by hand"))
        #expect(Self.report().markdown().hasPrefix("# Disaster-recovery drill: PASSED\n"))
    }

    @Test func targetIsRedacted() {
        var r = Self.report()
        r = DrillReport(
            backupID: r.backupID, backupTime: r.backupTime, sourceVersion: nil,
            target: "https://h/x?X-Amz-Signature=deadbeef", started: r.started, restoreStarted: r.started,
            restoreFinished: r.started, finished: r.finished, collections: [], checks: [],
            cleanup: .init(removed: [], leftover: []))
        #expect(!r.target.contains("deadbeef"))
        #expect(r.markdown().contains("No collection was restored."))
    }
}
