import Foundation
import Testing

@testable import QSnapCore

/// The Cloud Backups RPO of a drill: the newest SUCCEEDED backup's age, and how the report carries it.
@Suite struct CloudBackupRPOTests {
    static func backup(_ id: String, _ status: CloudBackupStatus, _ created: String?, deleted: String? = nil)
        -> CloudBackup
    {
        CloudBackup(
            id: id, createdAt: created, clusterID: "c", status: status, deletedAt: deleted, displayName: "n-\(id)")
    }

    static let now = UTCCivilTime.parseISO8601("2026-03-01T12:00:00Z")!

    @Test func newestSucceededOnly() {
        let backups = [
            Self.backup("old", .succeeded, "2026-03-01T08:00:00Z"),
            Self.backup("newer-failed", .failed, "2026-03-01T11:00:00Z"),
            Self.backup("running", .running, "2026-03-01T11:30:00Z"),
            Self.backup("best", .succeeded, "2026-03-01T10:00:00.5Z"),
            Self.backup("deleted", .succeeded, "2026-03-01T11:45:00Z", deleted: "2026-03-01T11:50:00Z"),
            Self.backup("no-time", .succeeded, nil),
        ]
        let rpo = CloudBackupRPO(accountID: "a", clusterID: "c", backups: backups, at: Self.now)
        #expect(rpo.backupID == "best" && rpo.displayName == "n-best")
        #expect(rpo.rpoSeconds == 7199.5 && rpo.hasRecoveryPoint)
        #expect(rpo.succeededBackups == 3)
        let none = CloudBackupRPO(
            accountID: "a", clusterID: "c", backups: [Self.backup("f", .failed, "2026-03-01T11:00:00Z")], at: Self.now)
        #expect(none.backupID == nil && none.rpoSeconds == nil && !none.hasRecoveryPoint && none.succeededBackups == 0)
    }

    @Test func drillReportCarriesItInJSONAndMarkdown() throws {
        let rpo = CloudBackupRPO(
            accountID: "a", clusterID: "c", backups: [Self.backup("best", .succeeded, "2026-03-01T10:00:00Z")],
            at: Self.now)
        let report = DrillReport(
            backupID: "b", backupTime: Self.now, sourceVersion: nil, target: "http://t", started: Self.now,
            restoreStarted: Self.now, restoreFinished: Self.now, finished: Self.now, collections: [], checks: [],
            cleanup: .init(removed: [], leftover: []), cloudBackup: rpo)
        let json = try JSONSerialization.jsonObject(with: report.jsonData()) as! [String: Any]
        let cloud = json["cloud_backup"] as! [String: Any]
        #expect(cloud["rpo_seconds"] as? Double == 7200 && cloud["backup_id"] as? String == "best")
        #expect(cloud["created_at"] as? String == "2026-03-01T10:00:00Z" && cloud["succeeded_backups"] as? Int == 1)
        #expect(
            Set(cloud.keys) == [
                "account_id", "cluster_id", "backup_id", "display_name", "created_at", "rpo_seconds",
                "succeeded_backups",
            ])
        let decoded = try JSONDecoder().decode(DrillReport.self, from: report.jsonData())
        #expect(decoded.cloudBackup == rpo)
        #expect(
            report.markdown().contains(
                "| Cloud Backups RPO (newest SUCCEEDED backup's age) | 7200.000 s (2 h 0 min): `best`"))

        var without = report
        without.cloudBackup = nil
        let plain = try JSONSerialization.jsonObject(with: without.jsonData()) as! [String: Any]
        #expect(plain["cloud_backup"] == nil, "absent unless the drill measured it")
        let none = CloudBackupRPO(accountID: "a", clusterID: "c", backups: [], at: Self.now)
        var empty = report
        empty.cloudBackup = none
        #expect(empty.markdown().contains("no SUCCEEDED backup of cluster `c`"))
    }
}
