import Foundation
import Logging
import QSnapCore
import QSnapTestSupport
import Synchronization
import Testing

@testable import QSnap

/// A repository that records every deletion and can fail on a chosen key (an interrupted prune).
final class PruneRecordingRepository: Repository, Sendable {
    let base: LocalRepository
    private let state = Mutex<(deleted: [String], failOnDelete: @Sendable (String) -> Bool, uploads: [String]?)>(
        ([], { _ in false }, nil))

    init(root: String) throws { base = try LocalRepository(root: root) }

    var deletions: [String] { state.withLock { $0.deleted } }
    /// Deleting a key for which this returns true throws (simulating a crash at that point).
    var failOnDelete: @Sendable (String) -> Bool {
        get { state.withLock { $0.failOnDelete } }
        set { state.withLock { $0.failOnDelete = newValue } }
    }
    /// Replaces the unfinished-upload listing (to mimic the S3 form of the descriptions).
    var uploadsOverride: [String]? {
        get { state.withLock { $0.uploads } }
        set { state.withLock { $0.uploads = newValue } }
    }
    var displayURL: String { base.displayURL }
    func write(
        key: String, expectedSize: Int64?, _ produce: (any RepositoryObjectWriter) async throws -> Void
    ) async throws -> RepositoryObject {
        try await base.write(key: key, expectedSize: expectedSize, produce)
    }
    func put(key: String, bytes: [UInt8]) async throws { try await base.put(key: key, bytes: bytes) }
    func get(key: String, onBody: ([UInt8]) async throws -> Void) async throws -> Int64 {
        try await base.get(key: key, onBody: onBody)
    }
    func head(key: String) async throws -> RepositoryObject? { try await base.head(key: key) }
    func list(prefix: String) async throws -> [RepositoryObject] { try await base.list(prefix: prefix) }
    func delete(keys: [String]) async throws {
        for key in keys {
            if failOnDelete(key) { throw QSnapError(.repoDelete, "simulated crash before deleting \(key)") }
            try await base.delete(keys: [key])
            state.withLock { $0.deleted.append(key) }
        }
    }
    func incompleteUploads(prefix: String) async throws -> [String] {
        if let uploads = uploadsOverride { return uploads }
        return try await base.incompleteUploads(prefix: prefix)
    }
    func abortIncompleteUploads(prefix: String) async throws -> Int {
        try await base.abortIncompleteUploads(prefix: prefix)
    }
}

@Suite struct PruneRunnerTests {
    let logger = Logger(label: "test")

    func scratch() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("qsnap-prune-\(UUID().uuidString)").path
    }

    /// Writes a fake complete backup: two objects and a manifest.
    func addBackup(_ repo: any Repository, day: Int, verified: Bool = false, labels: String = "") async throws -> String
    {
        let date = UTCCivilTime.parseISO8601(String(format: "2026-10-%02dT12:00:00Z", day))!
        let id = BackupLayout.newID(at: date, random: [0xab, 0xcd, UInt8(day)])
        for name in ["a", "b"] {
            try await repo.put(
                key: BackupLayout.objectsFolder(id) + "docs/peer-\(name)/x.snapshot",
                bytes: Array(repeating: 7, count: 100))
        }
        try await repo.put(key: BackupLayout.manifest(id), bytes: Array("{\"id\":\"\(id)\"\(labels)}".utf8))
        if verified { try await repo.put(key: RepositoryInventory.verificationKey(id), bytes: Array("{}".utf8)) }
        return id
    }

    func now() -> Date { UTCCivilTime.parseISO8601("2026-10-31T00:00:00Z")! }

    @Test func dryRunDeletesNothing() async throws {
        let root = scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let repo = try await PruneRecordingRepository(root: root)
        let ids = try await (1...6).asyncMap { try await addBackup(repo, day: $0) }
        let before = try await repo.list(prefix: "")
        let report = try await PruneRunner(
            repository: repo, options: .init(policy: RetentionPolicy(keepLast: 2), execute: false, now: now()),
            logger: logger
        ).run()
        #expect(report.deleted.map(\.id) == Array(ids.prefix(4)))
        #expect(repo.deletions.isEmpty)
        await #expect(try await repo.list(prefix: "") == before)
    }

    @Test func deletesObjectsBeforeTheManifestAndOnlyPlannedBackups() async throws {
        let root = scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let repo = try PruneRecordingRepository(root: root)
        let ids = try await (1...5).asyncMap { try await addBackup(repo, day: $0, verified: $0 == 2) }
        let policy = RetentionPolicy(keepLast: 1, pins: [ids[0]])
        let report = try await PruneRunner(
            repository: repo, options: .init(policy: policy, execute: true, now: now()), logger: logger
        ).run()
        // Kept: the newest (keep-last), the pinned one, and the newest verified one (day 2).
        #expect(report.deleted.map(\.id) == [ids[2], ids[3]])
        await #expect(try ManifestStore.backupIDs(in: repo.base) == [ids[0], ids[1], ids[4]])
        for id in [ids[2], ids[3]] {
            let mine = repo.deletions.enumerated().filter { $0.element.hasPrefix(BackupLayout.folder(id)) }
            let manifestIndex = try #require(mine.firstIndex { $0.element == BackupLayout.manifest(id) })
            let objectIndices = mine.indices.filter { mine[$0].element.contains("/objects/") }
            #expect(objectIndices.count == 2)
            #expect(objectIndices.allSatisfy { $0 < manifestIndex }, "objects go before the manifest")
            #expect(
                mine.last?.element == RepositoryInventory.deletionMarkerKey(id), "the marker goes after the manifest")
            await #expect(try await repo.list(prefix: BackupLayout.folder(id)).isEmpty)
        }
        #expect(!repo.deletions.contains { $0.hasPrefix(BackupLayout.folder(ids[0])) })
    }

    @Test func anInterruptedPruneLeavesAMarkedBackupThatTheNextPruneFinishes() async throws {
        let root = scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let repo = try PruneRecordingRepository(root: root)
        let ids = try await (1...3).asyncMap { try await addBackup(repo, day: $0) }
        repo.failOnDelete = { $0.hasSuffix("/manifest.json") }  // crash between the objects and the manifest
        let options = PruneRunner.Options(policy: RetentionPolicy(keepLast: 1), execute: true, now: now())
        await #expect(throws: QSnapError.self) {
            try await PruneRunner(repository: repo, options: options, logger: logger).run()
        }

        let victim = ids[0]
        await #expect(try await repo.head(key: BackupLayout.manifest(victim)) != nil, "the manifest is deleted last")
        await #expect(try await repo.list(prefix: BackupLayout.objectsFolder(victim)).isEmpty, "its objects went first")
        let inventory = try await RepositoryInventory.scan(repo)
        #expect(inventory.entries.first { $0.id == victim }?.beingDeleted == true)
        #expect(!inventory.retentionBackups().contains { $0.id == victim }, "a half-deleted backup is not a backup")

        repo.failOnDelete = { _ in false }
        let report = try await PruneRunner(repository: repo, options: options, logger: logger).run()
        #expect(report.deleted.first?.id == victim && report.deleted.first?.resumed == true)
        #expect(report.deleted.map(\.id) == [ids[0], ids[1]])
        await #expect(
            try repo.list(prefix: BackupLayout.backupsFolder).allSatisfy {
                $0.key.hasPrefix(BackupLayout.folder(ids[2]))
            })
    }

    @Test func findsTheBackupsWithUnfinishedUploadsInLocalAndS3Descriptions() async throws {
        let root = scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let repo = try PruneRecordingRepository(root: root)
        repo.uploadsOverride = [
            "backups/20261001T120000Z-abcdef/objects/c/peer-1/x.snapshot.qsnap-partial-1a2b3c4d",
            "backups/backups/20261002T120000Z-123456/objects/c/peer-1/x.snapshot (upload 2~AbCdEf…)",
            "backups/not-an-id/objects/x (upload 1…)",
        ]
        await #expect(
            try BackupDeleter.backupIDs(withUploadsIn: repo) == ["20261001T120000Z-abcdef", "20261002T120000Z-123456"])
    }

    @Test func interruptedBackupsAreRemovedOnlyAfterTheGracePeriod() async throws {
        let root = scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let repo = try PruneRecordingRepository(root: root)
        let kept = try await addBackup(repo, day: 1)
        let old = BackupLayout.newID(at: now().addingTimeInterval(-3 * 86_400), random: [1, 2, 3])
        let young = BackupLayout.newID(at: now().addingTimeInterval(-3600), random: [4, 5, 6])
        for id in [old, young] {
            try await repo.put(key: BackupLayout.objectsFolder(id) + "docs/peer-1/x.snapshot", bytes: [1, 2, 3])
            try await repo.put(key: BackupLayout.progress(id), bytes: Array("{}".utf8))
        }
        // An unfinished upload of the old interrupted backup (a partial file; a multipart upload on S3).
        let partial = try repo.base.path(BackupLayout.objectsFolder(old) + "docs/peer-2/y.snapshot")
        try FileManager.default.createDirectory(
            atPath: (partial as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        #expect(
            FileManager.default.createFile(
                atPath: partial + LocalRepository.partialMarker + "0a0b", contents: Data([9, 9])))
        await #expect(try await repo.incompleteUploads(prefix: BackupLayout.folder(old)).count == 1)
        let report = try await PruneRunner(
            repository: repo,
            options: .init(policy: RetentionPolicy(keepLast: 5), execute: true, interruptedGrace: 86_400, now: now()),
            logger: logger
        ).run()
        #expect(report.deleted.isEmpty)
        #expect(
            Dictionary(uniqueKeysWithValues: report.interrupted.map { ($0.id, $0.action) })
                == [old: "deleted", young: "kept: within grace"])
        await #expect(try await repo.list(prefix: BackupLayout.folder(old)).isEmpty)
        await #expect(
            try repo.incompleteUploads(prefix: BackupLayout.folder(old)).isEmpty, "its unfinished upload was aborted")
        #expect(report.interrupted.first { $0.id == old }?.abortedUploads == 1)
        #expect(repo.deletions.last == BackupLayout.progress(old), "the journal goes last")
        await #expect(try await repo.head(key: BackupLayout.progress(young)) != nil)
        await #expect(try await repo.head(key: BackupLayout.manifest(kept)) != nil)
    }

    @Test func objectLockedBackupsAreNeverDeleted() async throws {
        let root = scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let repo = try PruneRecordingRepository(root: root)
        let lock = #","storage":{"objectLock":{"mode":"COMPLIANCE","retainUntil":"2026-11-15T00:00:00Z"}}"#
        let expired = #","storage":{"objectLock":{"mode":"GOVERNANCE","retainUntil":"2026-10-20T00:00:00Z"}}"#
        let locked = try await addBackup(repo, day: 1, labels: lock)
        let unlocked = try await addBackup(repo, day: 2, labels: expired)
        let newest = try await addBackup(repo, day: 3)
        // An interrupted backup whose journal records a retention that has not passed: left alone too.
        let interrupted = BackupLayout.newID(at: now().addingTimeInterval(-3 * 86_400), random: [7, 7, 7])
        try await repo.put(key: BackupLayout.objectsFolder(interrupted) + "docs/peer-1/x.snapshot", bytes: [1])
        var journal = BackupProgress(id: interrupted, fingerprint: "f", startedAt: "2026-10-28T00:00:00Z")
        journal.storage = ObjectStorageSettings(
            objectLock: .init(mode: .compliance, retainUntil: "2026-11-15T00:00:00Z"))
        try await repo.put(key: BackupLayout.progress(interrupted), bytes: Array(try JSONEncoder().encode(journal)))
        let report = try await PruneRunner(
            repository: repo, options: .init(policy: RetentionPolicy(keepLast: 1), execute: true, now: now()),
            logger: logger
        ).run()
        #expect(report.deleted.map(\.id) == [unlocked])
        #expect(
            report.planText.contains { $0.contains(locked) && $0.contains("object lock until 2026-11-15T00:00:00Z") })
        #expect(report.interrupted.map(\.action) == ["kept: object lock until 2026-11-15T00:00:00Z"])
        #expect(!repo.deletions.contains { $0.contains(locked) || $0.contains(interrupted) })
        await #expect(try await repo.head(key: BackupLayout.manifest(newest)) != nil)
    }

    @Test func pinnedAndTaggedManifestsAreKept() async throws {
        let root = scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let repo = try PruneRecordingRepository(root: root)
        let pinned = try await addBackup(repo, day: 1, labels: #","pinned":true"#)
        let release = try await addBackup(repo, day: 2, labels: #","tags":["audited","release"]"#)
        let halfTagged = try await addBackup(repo, day: 3, labels: #","tags":["release"],"pinned":false"#)
        let plain = try await addBackup(repo, day: 4)
        let newest = try await addBackup(repo, day: 5)
        let policy = RetentionPolicy(keepLast: 1, keepTags: [["release", "audited"]])
        let report = try await PruneRunner(
            repository: repo, options: .init(policy: policy, execute: true, now: now()), logger: logger
        ).run()
        #expect(report.deleted.map(\.id) == [halfTagged, plain])
        await #expect(try ManifestStore.backupIDs(in: repo.base) == [pinned, release, newest])
        let reasons = report.planText.joined(separator: "\n")
        #expect(reasons.contains("pin"), "the plan names the pin: \(reasons)")
    }

    @Test func anUnreadableManifestStopsThePlanBeforeAnyDeletion() async throws {
        let root = scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let repo = try PruneRecordingRepository(root: root)
        let broken = try await addBackup(repo, day: 1)
        _ = try await addBackup(repo, day: 2)
        try await repo.put(key: BackupLayout.manifest(broken), bytes: Array("not json".utf8))
        let options = PruneRunner.Options(policy: RetentionPolicy(keepLast: 1), execute: true, now: now())
        do {
            _ = try await PruneRunner(repository: repo, options: options, logger: logger).run()
            Issue.record("expected an error")
        } catch let error as QSnapError {
            #expect(error.code == .backupManifest && error.message.contains(broken))
        }
        #expect(repo.deletions.isEmpty)
    }
}
