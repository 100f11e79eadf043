import Foundation
import QSnapCore
import Testing

@testable import QSnap

@Suite struct LocalRepositoryTests {
    func scratch() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("qsnap-repo-\(UUID().uuidString)").path
        return dir
    }

    @Test func writesAtomicallyAndLists() throws {
        let root = try scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let repo = try LocalRepository(root: root)
        let writer = try repo.makeWriter(key: "backups/x/objects/a.snapshot", expectedSize: nil)
        try Array("hello ".utf8).withUnsafeBytes { try writer.write($0) }
        #expect(try repo.head(key: "backups/x/objects/a.snapshot") == nil, "nothing is visible before finish")
        #expect(try repo.incompleteUploads(prefix: "backups/").count == 1)
        try Array("world".utf8).withUnsafeBytes { try writer.write($0) }
        let done = try writer.finish()
        #expect(done.size == 11)
        #expect(done.etag == Hex.encode(Digest.md5(Array("hello world".utf8))))
        #expect(try repo.getAll(key: "backups/x/objects/a.snapshot") == Array("hello world".utf8))
        #expect(try repo.list(prefix: "backups/").map(\.key) == ["backups/x/objects/a.snapshot"])
        #expect(try repo.incompleteUploads(prefix: "backups/").isEmpty)
    }

    @Test func aRaisedCancellationStopsAReadAtTheNextChunk() throws {
        let root = try scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let repo = try LocalRepository(root: root)
        let data = (0..<(3 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        try repo.put(key: "backups/x/objects/big.snapshot", bytes: data)
        let flag = CancellationFlag()
        var received = 0
        let error = try #require(throws: QSnapError.self) {
            try repo.get(key: "backups/x/objects/big.snapshot", cancellation: flag) { chunk in
                received += chunk.count
                flag.cancel()
            }
        }
        #expect(error.code == .failure("cancelled"))
        #expect(received == 1 << 20, "one chunk was read before the flag was seen")
        #expect(
            try repo.get(key: "backups/x/objects/big.snapshot", cancellation: CancellationFlag()) { _ in }
                == Int64(data.count))
    }

    @Test func abortAndCleanupLeaveNothing() throws {
        let root = try scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let repo = try LocalRepository(root: root)
        let aborted = try repo.makeWriter(key: "backups/y/o", expectedSize: nil)
        try [1, 2, 3].withUnsafeBytes { try aborted.write($0) }
        aborted.abort()
        let stale = try repo.makeWriter(key: "backups/y/p", expectedSize: nil)
        try [4].withUnsafeBytes { try stale.write($0) }
        #expect(try repo.abortIncompleteUploads(prefix: "backups/y/") == 1)
        #expect(try repo.incompleteUploads(prefix: "").isEmpty)
        #expect(try repo.list(prefix: "").isEmpty)
        try repo.put(key: "backups/y/manifest.json", bytes: [1])
        try repo.delete(keys: ["backups/y/manifest.json", "backups/y/missing"])
        #expect(!FileManager.default.fileExists(atPath: root + "/backups/y"), "empty folders are removed")
    }

    @Test(arguments: ["../etc/passwd", "/abs", "a/../../b", "a/./b", ""])
    func refusesUnsafeKeys(_ key: String) throws {
        let root = try scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let repo = try LocalRepository(root: root)
        #expect(throws: QSnapError.self) { try repo.put(key: key, bytes: [1]) }
    }

    @Test func manifestStoreResolvesLatestAndRefusesUnknownIDs() throws {
        let root = try scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let repo = try LocalRepository(root: root)
        #expect(throws: QSnapError.self) { try ManifestStore.resolve("latest", in: repo) }
        for id in ["20260101T000000Z-000001", "20260102T000000Z-000002"] {
            try repo.put(key: BackupLayout.manifest(id), bytes: Array("{}".utf8))
        }
        try repo.put(key: BackupLayout.progress("20260103T000000Z-000003"), bytes: [])
        #expect(try ManifestStore.resolve("latest", in: repo) == "20260102T000000Z-000002")
        let e = #expect(throws: QSnapError.self) { try ManifestStore.read("20260103T000000Z-000003", from: repo) }
        #expect(e?.code == .usage("backup.not-found"))
        #expect(throws: QSnapError.self) { try ManifestStore.read("../../etc", from: repo) }
        try repo.put(key: BackupLayout.folder("20260102T000000Z-000002") + "deleting.json", bytes: Array("{}".utf8))
        #expect(
            try ManifestStore.resolve("latest", in: repo) == "20260101T000000Z-000001", "a backup being pruned is gone")
        let d = #expect(throws: QSnapError.self) { try ManifestStore.read("20260102T000000Z-000002", from: repo) }
        #expect(d?.code == .usage("backup.being-deleted"))
    }
}
