import Foundation
import Logging
import QSnapCore
import QSnapTestSupport
import Testing

@testable import QSnap

@Suite struct ForgetRunnerTests {
    let logger = Logger(label: "test")
    let helper = PruneRunnerTests()

    func withRepo(_ body: (PruneRecordingRepository) async throws -> Void) async throws {
        let root = helper.scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        try await body(try PruneRecordingRepository(root: root))
    }

    func forget(_ repo: any Repository, _ ids: [String], force: Bool = false, execute: Bool = true) async throws
        -> ForgetReport
    {
        try await ForgetRunner(
            repository: repo, options: .init(ids: ids, force: force, execute: execute), lock: nil,
            logger: logger
        ).run()
    }

    @Test func aDryRunChangesNothing() async throws {
        try await withRepo { repo in
            let ids = try await (1...3).asyncMap { try await helper.addBackup(repo, day: $0) }
            let report = try await forget(repo, [ids[1]], execute: false)
            #expect(!report.executed && report.deleted.map(\.id) == [ids[1]] && report.deleted[0].objects == 3)
            #expect(repo.deletions.isEmpty)
            #expect(report.textLines().last?.contains("--yes") == true)
        }
    }

    @Test func deletesEverythingOfTheBackupsInPrunesOrder() async throws {
        try await withRepo { repo in
            let ids = try await (1...4).asyncMap { try await helper.addBackup(repo, day: $0, verified: $0 == 1) }
            try await repo.put(key: BackupLayout.progress(ids[2]), bytes: Array("{}".utf8))
            let report = try await forget(repo, [ids[2], "latest", ids[2]])
            #expect(report.deleted.map(\.id) == [ids[2], ids[3]], "each once, oldest first; latest resolved")
            await #expect(try await ManifestStore.backupIDs(in: repo.base) == [ids[0], ids[1]])
            for id in [ids[2], ids[3]] {
                await #expect(try await repo.list(prefix: BackupLayout.folder(id)).isEmpty)
                let mine = repo.deletions.filter { $0.hasPrefix(BackupLayout.folder(id)) }
                let manifest = try #require(mine.firstIndex(of: BackupLayout.manifest(id)))
                #expect(mine.indices.filter { mine[$0].contains("/objects/") }.allSatisfy { $0 < manifest })
                #expect(mine.last == RepositoryInventory.deletionMarkerKey(id))
            }
        }
    }

    @Test func refusesPinnedAndNewestVerifiedUnlessForced() async throws {
        try await withRepo { repo in
            let pinned = try await helper.addBackup(repo, day: 1, labels: #","pinned":true"#)
            let verified = try await helper.addBackup(repo, day: 2, verified: true)
            let plain = try await helper.addBackup(repo, day: 3)
            for target in [pinned, verified] {
                do {
                    _ = try await forget(repo, [plain, target])
                    Issue.record("expected a refusal for \(target)")
                } catch let error as QSnapError {
                    #expect(error.code == .forgetProtected && error.code.category == .refused)
                    #expect(error.message.contains(target) && error.message.contains("--force"))
                }
            }
            #expect(repo.deletions.isEmpty, "a refusal deletes nothing, not even the unprotected ones")
            let report = try await forget(repo, [pinned, verified], force: true)
            #expect(report.deleted.map(\.id) == [pinned, verified])
            #expect(Set(report.forced.map(\.protection)) == [.pinned, .newestVerified])
            await #expect(try await ManifestStore.backupIDs(in: repo.base) == [plain])
        }
    }

    @Test func unknownAndInterruptedIdsAreUsageErrors() async throws {
        try await withRepo { repo in
            let kept = try await helper.addBackup(repo, day: 1)
            let interrupted = BackupLayout.newID(at: Date(), random: [1, 2, 3])
            try await repo.put(key: BackupLayout.progress(interrupted), bytes: Array("{}".utf8))
            for (ids, needle) in [
                ([interrupted], "interrupted"), (["20990101T000000Z-000000"], "does not exist"),
                (["../etc"], "not a backup id"),
            ] {
                do {
                    _ = try await forget(repo, [kept] + ids)
                    Issue.record("expected a usage error for \(ids)")
                } catch let error as QSnapError {
                    #expect(error.code.category == .usage && error.message.contains(needle), "\(error.message)")
                }
            }
            #expect(repo.deletions.isEmpty)
        }
    }

    @Test func finishesAnInterruptedDeletion() async throws {
        try await withRepo { repo in
            let ids = try await (1...2).asyncMap { try await helper.addBackup(repo, day: $0) }
            repo.failOnDelete = { $0.hasSuffix("/manifest.json") }
            await #expect(throws: QSnapError.self) { try await forget(repo, [ids[0]]) }
            repo.failOnDelete = { _ in false }
            let report = try await forget(repo, [ids[0]])
            #expect(report.deleted.map(\.resumed) == [true])
            await #expect(try await repo.list(prefix: BackupLayout.folder(ids[0])).isEmpty)
        }
    }

    @Test func anUnreadableManifestNeedsForce() async throws {
        try await withRepo { repo in
            let ids = try await (1...2).asyncMap { try await helper.addBackup(repo, day: $0) }
            try await repo.put(key: BackupLayout.manifest(ids[0]), bytes: Array("garbage".utf8))
            await #expect(throws: QSnapError.self) { try await forget(repo, [ids[0]]) }
            await #expect(try await forget(repo, [ids[0]], force: true).deleted.map(\.id) == [ids[0]])
        }
    }
}
