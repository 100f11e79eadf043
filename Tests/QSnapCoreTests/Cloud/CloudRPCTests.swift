import Testing

@testable import QSnapCore

/// The RPC table against backup.proto's `google.api.http` and `permissions` options.
@Suite struct CloudRPCTests {
    static let a = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
    static let id = "0b7c3f7e-1d2a-4c8e-9f10-2a3b4c5d6e7f"

    @Test func pathsMethodsAndPermissions() {
        let p = "/api/cluster/backup/v1/accounts/\(Self.a)"
        let expected: [(CloudRPC, String, String, String)] = [
            (.listBackups, "GET", p + "/backups", "read:backups"),
            (.getBackup, "GET", p + "/backups/\(Self.id)", "read:backups"),
            (.createBackup, "POST", p + "/backups", "write:backups"),
            (.deleteBackup, "DELETE", p + "/backups/\(Self.id)", "delete:backups"),
            (.restoreBackup, "POST", p + "/backups/\(Self.id)/restore", "restore:backups"),
            (.listBackupRestores, "GET", p + "/backup_restores", "read:backups"),
            (.listBackupSchedules, "GET", p + "/backup_schedules", "read:backup_schedules"),
            (.getBackupSchedule, "GET", p + "/backup_schedules/\(Self.id)", "read:backup_schedules"),
            (.createBackupSchedule, "POST", p + "/backup_schedules", "write:backup_schedules"),
            (.updateBackupSchedule, "PUT", p + "/backup_schedules/\(Self.id)", "write:backup_schedules"),
            (.deleteBackupSchedule, "DELETE", p + "/backup_schedules/\(Self.id)", "delete:backup_schedules"),
        ]
        #expect(expected.count == CloudRPC.allCases.count)
        for (rpc, method, path, permission) in expected {
            #expect(rpc.httpMethod == method, "\(rpc)")
            #expect(rpc.path(accountID: Self.a, id: Self.id) == path, "\(rpc)")
            #expect(rpc.permission == permission, "\(rpc)")
            #expect(rpc.isIdempotent == (method == "GET"))
        }
        #expect(CloudRPC.restoreBackup.name == "RestoreBackup" && CloudRPC.restoreBackup.resource == .backup)
        #expect(CloudRPC.updateBackupSchedule.resource.rawValue == "backup schedule")
    }
}
