import Foundation
import QSnapCore
import Testing

@Suite struct ObjectStorageSettingsTests {
    @Test func parsesEveryOption() throws {
        let s = try ObjectStorageSettings.parse(
            sse: "aws:kms", kmsKeyID: "alias/backups", bucketKey: true, storageClass: "standard_ia",
            tags: ["team=search", "env=prod", "note=a b&c"])
        #expect(s.encryption == .kms && s.kmsKeyID == "alias/backups" && s.bucketKeyEnabled == true)
        #expect(s.storageClass == "STANDARD_IA")
        #expect(s.objectTags?.map(\.key) == ["team", "env", "note"] && s.objectTags?.last?.value == "a b&c")
        #expect(
            try ObjectStorageSettings.parse(sse: nil, kmsKeyID: nil, bucketKey: false, storageClass: nil, tags: [])
                .isEmpty)
        #expect(
            try ObjectStorageSettings.parse(sse: "aes256", kmsKeyID: nil, bucketKey: false, storageClass: nil, tags: [])
                .encryption == .aes256)
    }

    @Test(arguments: [
        (String?("des"), String?(nil), false, String?(nil), [String]()),
        ("AES256", "key-1", false, nil, []),
        ("AES256", nil, true, nil, []),
        (nil, nil, false, "GLACIER", []),
        (nil, nil, false, "DEEP_ARCHIVE", []),
        (nil, nil, false, "COLD", []),
        (nil, nil, false, nil, ["novalue"]),
        (nil, nil, false, nil, ["=v"]),
        (nil, nil, false, nil, ["aws:created=x"]),
        (nil, nil, false, nil, ["a=1", "a=2"]),
        (nil, nil, false, nil, (0..<11).map { "k\($0)=v" }),
    ])
    func badValuesAreUsageErrors(sse: String?, key: String?, bucketKey: Bool, storageClass: String?, tags: [String]) {
        do {
            _ = try ObjectStorageSettings.parse(
                sse: sse, kmsKeyID: key, bucketKey: bucketKey, storageClass: storageClass, tags: tags)
            Issue.record("expected an error")
        } catch let error as QSnapError {
            #expect(error.code.category == .usage)
        } catch { Issue.record("unexpected \(error)") }
    }

    @Test func manifestFieldIsOptionalAndRoundTrips() throws {
        let settings = ObjectStorageSettings(
            encryption: .kms, kmsKeyID: "k", storageClass: "GLACIER_IR",
            objectTags: [.init(key: "a", value: "b")])
        let data = try JSONEncoder().encode(settings)
        #expect(try JSONDecoder().decode(ObjectStorageSettings.self, from: data) == settings)
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("\"encryption\":\"aws:kms\"") && !text.contains("bucketKeyEnabled"))
    }
}

@Suite struct ObjectLockTests {
    @Test func retentionRunsFromNow() throws {
        let s = try ObjectStorageSettings.parse(
            sse: nil, kmsKeyID: nil, bucketKey: false, storageClass: nil, tags: [], objectLock: "governance",
            retainDays: 2, now: Int64(UTCCivilTime.parseISO8601("2026-12-06T01:00:00Z")!.timeIntervalSince1970))
        #expect(s.objectLock == .init(mode: .governance, retainUntil: "2026-12-08T01:00:00Z"))
        for (mode, days) in [(String?("governance"), Int?(nil)), (nil, 3), ("forever", 3), ("compliance", 0)] {
            #expect(throws: QSnapError.self) {
                try ObjectStorageSettings.parse(
                    sse: nil, kmsKeyID: nil, bucketKey: false, storageClass: nil, tags: [], objectLock: mode,
                    retainDays: days)
            }
        }
    }

    @Test func manifestRecordDecodesLeniently() throws {
        let locked = #"{"id":"x","storage":{"objectLock":{"mode":"COMPLIANCE","retainUntil":"2030-01-01T00:00:00Z"}}}"#
        let lock = try JSONDecoder().decode(BackupObjectLock.self, from: Data(locked.utf8))
        #expect(lock.mode == .compliance)
        #expect(lock.isLocked(at: Date(timeIntervalSince1970: 1_800_000_000)))
        #expect(!lock.isLocked(at: Date(timeIntervalSince1970: 1_900_000_000)))
        for old in [#"{"id":"x"}"#, #"{"storage":{"storageClass":"STANDARD_IA"}}"#, #"{"storage":null}"#] {
            #expect(try JSONDecoder().decode(BackupObjectLock.self, from: Data(old.utf8)) == BackupObjectLock())
        }
    }

    @Test func plannerKeepsLockedBackupsAndSaysUntilWhen() throws {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let until = now.addingTimeInterval(86400)
        let backups = [
            RetentionBackup(id: "a", time: now.addingTimeInterval(-300), lockedUntil: until),
            RetentionBackup(id: "b", time: now.addingTimeInterval(-200), lockedUntil: now.addingTimeInterval(-1)),
            RetentionBackup(id: "c", time: now.addingTimeInterval(-100)),
        ]
        let plan = try RetentionPlanner.plan(
            backups: backups, policy: try RetentionPolicy.parse(yaml: "keep-last: 1\n", file: "p.yaml"), now: now)
        let decisions = Dictionary(uniqueKeysWithValues: plan.decisions.map { ($0.backup.id, $0) })
        #expect(decisions["a"]?.keep == true)
        #expect(decisions["a"]?.reasons == [RetentionReason(.objectLock, "until \(UTCCivilTime.iso8601(until))")])
        #expect(decisions["b"]?.keep == false)  // its retention has passed
        #expect(decisions["c"]?.keep == true)
    }
}
