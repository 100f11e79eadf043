import Foundation
import Testing

@testable import QSnapCore

/// The wire model against protojson as the gateway writes it (EmitUnpopulated: `null` messages, `""` strings,
/// unknown fields, int64 as strings) and the request bodies qsnap sends.
@Suite struct CloudModelCodingTests {
    static let backupJSON = #"""
        {"backup": {"id": "0b7c3f7e-1d2a-4c8e-9f10-2a3b4c5d6e7f", "createdAt": "2026-01-02T03:04:05.123456789Z",
          "accountId": "3fa85f64-5717-4562-b3fc-2c963f66afa6", "clusterId": "c1c1c1c1-0000-4000-8000-000000000001",
          "name": "qdrant-c1c1c1c1-1", "status": "BACKUP_STATUS_SUCCEEDED", "deletedAt": null, "backupDuration": "312s",
          "retentionPeriod": "604800s", "displayName": "nightly-1", "somethingNew": {"x": 1},
          "clusterInfo": {"name": "prod", "configuration": {"numberOfNodes": 3, "version": "v1.16.3"}},
          "price": {"currency": "USD", "originalPricePerHour": "12", "discountPercentage": 0}}}
        """#

    struct Envelope: Decodable { var backup: CloudBackup }

    static func encode<T: Encodable>(_ value: T) throws -> String {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try e.encode(value), as: UTF8.self)
    }

    @Test func decodesABackupAsTheGatewayWritesIt() throws {
        let b = try JSONDecoder().decode(Envelope.self, from: Data(Self.backupJSON.utf8)).backup
        #expect(b.id == "0b7c3f7e-1d2a-4c8e-9f10-2a3b4c5d6e7f" && b.clusterID == "c1c1c1c1-0000-4000-8000-000000000001")
        #expect(b.currentStatus == .succeeded && b.deletedAt == nil && b.backupScheduleID == nil)
        #expect(b.retentionSeconds == 604_800 && b.label == "nightly-1")
        #expect(b.createdDate == UTCCivilTime.parseISO8601("2026-01-02T03:04:05.123456789Z"))
        #expect(b.price?["originalPricePerHour"] == .string("12"))
        #expect(b.clusterInfo?["configuration"]?["numberOfNodes"] == .integer(3))
        // --json output keeps the API's names and what qsnap does not interpret
        let out = try Self.encode(b)
        #expect(out.contains(#""clusterId":"c1c1c1c1-0000-4000-8000-000000000001""#))
        #expect(out.contains(#""originalPricePerHour":"12""#) && out.contains(#""status":"BACKUP_STATUS_SUCCEEDED""#))
        #expect(!out.contains("deletedAt"))
    }

    @Test func emptyAndNullFieldsOfARunningBackup() throws {
        let json =
            #"{"backup": {"id": "x", "createdAt": null, "name": "", "status": "BACKUP_STATUS_UNSPECIFIED", "displayName": ""}}"#
        let b = try JSONDecoder().decode(Envelope.self, from: Data(json.utf8)).backup
        #expect(b.createdDate == nil && b.currentStatus == .unspecified && b.label == "x")
        #expect(CloudBackup().currentStatus == .unspecified)
    }

    @Test func createRequestsCarryOnlyTheSettableFields() throws {
        let retention = try CloudRetention(parsing: "7d")
        let body = try Self.encode(
            CloudRequests.CreateBackup(clusterID: "c", displayName: "nightly", retention: retention))
        #expect(body == #"{"backup":{"clusterId":"c","displayName":"nightly","retentionPeriod":"604800s"}}"#)
        let forever = try Self.encode(CloudRequests.CreateBackup(clusterID: "c", displayName: "keep", retention: nil))
        #expect(forever == #"{"backup":{"clusterId":"c","displayName":"keep"}}"#)
        let schedule = try Self.encode(
            CloudRequests.CreateBackupSchedule(
                clusterID: "c", schedule: "0 3 * * *", displayName: "nightly",
                retention: try CloudRetention(parsing: "14d")))
        #expect(
            schedule
                == #"{"backupSchedule":{"clusterId":"c","displayName":"nightly","retentionPeriod":"1209600s","schedule":"0 3 * * *"}}"#
        )
    }

    @Test func scheduleUpdatesCarryAFieldMaskOfTheGivenFields() throws {
        let u = try CloudRequests.UpdateBackupSchedule(
            id: "s", clusterID: "c", schedule: "@daily", retention: nil, displayName: nil)
        #expect(
            try Self.encode(u) == #"{"backupSchedule":{"clusterId":"c","schedule":"@daily"},"updateMask":"schedule"}"#)
        let both = try CloudRequests.UpdateBackupSchedule(
            id: "s", clusterID: "c", schedule: "@daily", retention: try CloudRetention(parsing: "1d"),
            displayName: "renamed")
        #expect(both.updateMask == "schedule,retentionPeriod,displayName" && both.id == "s")
        #expect(throws: QSnapError.self) {
            try CloudRequests.UpdateBackupSchedule(
                id: "s", clusterID: "c", schedule: nil, retention: nil, displayName: nil)
        }
    }

    @Test func listPages() throws {
        let last = try JSONDecoder().decode(
            CloudListPage<CloudBackupSchedule>.self,
            from: Data(
                #"""
                {"items": [{"id": "s1", "schedule": "@daily", "status": "BACKUP_SCHEDULE_STATUS_ACTIVE", "retentionPeriod": "86400s"}],
                 "totalSize": 3, "nextPageToken": ""}
                """#.utf8))
        #expect(last.items.count == 1 && last.totalSize == 3 && last.nextPageToken == nil)
        #expect(last.items[0].status == .active && last.items[0].retentionSeconds == 86_400)
        let more = try JSONDecoder().decode(
            CloudListPage<CloudBackupRestore>.self,
            from: Data(
                #"""
                {"items": [{"id": "r1", "backupId": "b1", "status": "BACKUP_RESTORE_STATUS_RUNNING"}], "nextPageToken": "abc=="}
                """#.utf8))
        #expect(
            more.nextPageToken == "abc==" && more.items[0].currentStatus == .running && more.items[0].backupID == "b1")
        let empty = try JSONDecoder().decode(CloudListPage<CloudBackup>.self, from: Data(#"{"items": null}"#.utf8))
        #expect(empty.items.isEmpty && empty.nextPageToken == nil)
    }
}
