import Foundation
import QSnapCore
import Testing

@testable import QSnap

/// The encrypted repository over a local directory: what is encrypted, what stays plain, and the keyring.
@Suite struct EncryptedRepositoryTests {
    func scratch() throws -> (String, LocalRepository) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("qsnap-enc-\(UUID().uuidString)").path
        return (dir, try LocalRepository(root: dir))
    }

    @Test func objectsAreEncryptedAndTheConfigKeysAndLockStayPlain() async throws {
        let (root, raw) = try scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let made = try await RepositoryKeyring.initialize(
            raw, encrypted: true, compression: ObjectCompression(algorithm: "zstd", level: 3),
            password: "pw")
        let repo = try await #require(try RepositoryKeyring.open(raw) { "pw" } as? EncryptedRepository)
        #expect(repo.keyID == made.keyID)
        let plain = Array(String(repeating: "payload canary ", count: 100_000).utf8)
        let done = try await repo.write(key: "backups/x/objects/a.snapshot", expectedSize: Int64(plain.count)) {
            writer in
            for start in stride(from: 0, to: plain.count, by: 300_000) {
                try await writer.write(Array(plain[start..<min(plain.count, start + 300_000)]))
            }
        }
        #expect(done.size == Int64(plain.count))
        let stored = try #require(done.storedSize)
        #expect(try raw.head(key: "backups/x/objects/a.snapshot")?.size == stored && stored < Int64(plain.count) / 20)
        await #expect(try repo.getAll(key: "backups/x/objects/a.snapshot", limit: 8 << 20) == plain)
        await #expect(Array(try raw.getAll(key: "backups/x/objects/a.snapshot").prefix(8)) == Array("QSNAPENC".utf8))

        try await repo.put(key: "backups/x/manifest.json", bytes: Array(#"{"id":"x"}"#.utf8))
        await #expect(try repo.getAll(key: "backups/x/manifest.json") == Array(#"{"id":"x"}"#.utf8))
        await #expect(Array(try raw.getAll(key: "backups/x/manifest.json").prefix(8)) == Array("QSNAPENC".utf8))
        try await repo.put(key: "locks/repository.json", bytes: Array("{}".utf8))
        await #expect(try raw.getAll(key: "locks/repository.json") == Array("{}".utf8))
        await #expect(try RepositoryLocker.store(for: repo, settleDelay: 0) is ExclusiveFileLockStore)
        // a plain object put behind the repository's back is refused, not passed through
        try await raw.put(key: "backups/x/objects/b.snapshot", bytes: Array("plain tar".utf8))
        await #expect(throws: QSnapError.self) { try await repo.getAll(key: "backups/x/objects/b.snapshot") }
    }

    @Test func keysOpenRotateAndRefuse() async throws {
        let (root, raw) = try scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        _ = try await RepositoryKeyring.initialize(raw, encrypted: true, compression: .none, password: "old")
        await #expect(throws: QSnapError.self) {
            _ = try await RepositoryKeyring.initialize(raw, encrypted: true, compression: .none, password: "x")
        }
        let old = try await #require(try RepositoryKeyring.open(raw) { "old" } as? EncryptedRepository)
        try await old.put(key: "backups/x/manifest.json", bytes: Array("m".utf8))
        let added = try await RepositoryKeyring.add(to: old, password: "new")
        await #expect(try RepositoryKeyring.list(old).map(\.current).sorted { !$0 && $1 } == [false, true])
        let wrong = await #expect(throws: QSnapError.self) { _ = try await RepositoryKeyring.open(raw) { "nope" } }
        #expect(wrong?.code.category == .keyRejected && wrong?.code.identifier == "key.wrong-password")
        let missing = await #expect(throws: QSnapError.self) { _ = try await RepositoryKeyring.open(raw) { nil } }
        #expect(missing?.code.identifier == "key.password-missing")
        let new = try await #require(try RepositoryKeyring.open(raw) { "new" } as? EncryptedRepository)
        #expect(new.keyID == added.id)
        await #expect(throws: QSnapError.self) { try await RepositoryKeyring.remove(new.keyID, from: new) }
        try await RepositoryKeyring.remove(old.keyID, from: new)
        await #expect(throws: QSnapError.self) { _ = try await RepositoryKeyring.open(raw) { "old" } }
        let reopened = try await #require(try RepositoryKeyring.open(raw) { "new" } as? EncryptedRepository)
        await #expect(try reopened.getAll(key: "backups/x/manifest.json") == Array("m".utf8))
    }

    @Test func plainRepositoriesStayPlain() async throws {
        let (root, raw) = try scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        await #expect(
            try RepositoryKeyring.open(raw) {
                Issue.record("no password asked for a new repository"); return nil
            } is LocalRepository)
        try await raw.put(key: "backups/20261206T000000Z-abcdef/manifest.json", bytes: Array("{}".utf8))
        let refused = await #expect(throws: QSnapError.self) {
            _ = try await RepositoryKeyring.initialize(raw, encrypted: true, compression: .none, password: "pw")
        }
        #expect(refused?.code.identifier == "repo.has-backups")
        #expect(try raw.head(key: BackupLayout.marker) == nil, "nothing was written")
    }
}
