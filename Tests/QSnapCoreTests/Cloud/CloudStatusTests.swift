import Foundation
import Testing

@testable import QSnapCore

/// The three status enums: protojson names (numbers accepted), unknown names kept, and what waiting makes of them.
@Suite struct CloudStatusTests {
    static func decode<T: Decodable>(_ type: T.Type, _ json: String) throws -> T {
        try JSONDecoder().decode(T.self, from: Data(json.utf8))
    }

    @Test func backupStatusNamesNumbersAndPhases() throws {
        #expect(try Self.decode(CloudBackupStatus.self, #""BACKUP_STATUS_SUCCEEDED""#) == .succeeded)
        #expect(try Self.decode(CloudBackupStatus.self, "1") == .running)
        #expect(try Self.decode(CloudBackupStatus.self, "7") == .unknown)
        #expect(try Self.decode(CloudBackupStatus.self, "9").name == "BACKUP_STATUS_9")
        #expect(try Self.decode(CloudBackupStatus.self, #""BACKUP_STATUS_NEW_ONE""#).phase == .inProgress)
        #expect(CloudBackupStatus.succeeded.phase == .succeeded)
        for s in [CloudBackupStatus.skipped, .failed, .failedToSync, .notFound] { #expect(s.phase == .failed, "\(s)") }
        for s in [CloudBackupStatus.running, .unspecified, .unknown] { #expect(s.phase == .inProgress, "\(s)") }
        #expect(CloudBackupStatus.failedToSync.description == "FAILED_TO_SYNC")
        #expect(
            String(decoding: try JSONEncoder().encode(CloudBackupStatus.failed), as: UTF8.self)
                == #""BACKUP_STATUS_FAILED""#)
        #expect(CloudBackupStatus.names.count == 8)
    }

    @Test func restoreStatusPhases() throws {
        #expect(try Self.decode(CloudBackupRestoreStatus.self, "3") == .succeeded)
        #expect(try Self.decode(CloudBackupRestoreStatus.self, #""BACKUP_RESTORE_STATUS_SKIPPED""#) == .skipped)
        #expect(CloudBackupRestoreStatus.succeeded.phase == .succeeded)
        for s in [CloudBackupRestoreStatus.failed, .failedToSync, .notFound, .skipped] { #expect(s.phase == .failed) }
        for s in [CloudBackupRestoreStatus.running, .unspecified] { #expect(s.phase == .inProgress) }
        #expect(CloudBackupRestoreStatus.names.count == 7)
    }

    @Test func scheduleStatus() throws {
        #expect(try Self.decode(CloudBackupScheduleStatus.self, "1") == .active)
        #expect(
            try Self.decode(CloudBackupScheduleStatus.self, #""BACKUP_SCHEDULE_STATUS_DISABLED""#).description
                == "DISABLED")
        #expect(CloudBackupScheduleStatus.names.count == 5)
    }
}
