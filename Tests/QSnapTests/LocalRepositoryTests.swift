import Foundation
import QSnapCore
import Testing

@testable import QSnap

@Suite struct LocalRepositoryTests {
    func scratch() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("qsnap-repo-\(UUID().uuidString)").path
        return dir
    }

    @Test func writesAtomicallyAndLists() async throws {
        let root = try scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let repo = try LocalRepository(root: root)
        let done = try await repo.write(key: "backups/x/objects/a.snapshot", expectedSize: nil) { writer in
            try await writer.write(Array("hello ".utf8))
            let visible = try await repo.head(key: "backups/x/objects/a.snapshot")
            #expect(visible == nil, "nothing is visible before the end")
            let partial = try await repo.incompleteUploads(prefix: "backups/")
            #expect(partial.count == 1)
            try await writer.write(Array("world".utf8))
        }
        #expect(done.size == 11)
        #expect(done.etag == Hex.encode(Digest.md5(Array("hello world".utf8))))
        await #expect(try await repo.getAll(key: "backups/x/objects/a.snapshot") == Array("hello world".utf8))
        #expect(try repo.list(prefix: "backups/").map(\.key) == ["backups/x/objects/a.snapshot"])
        #expect(try repo.incompleteUploads(prefix: "backups/").isEmpty)
    }

    @Test func cancellingTheTaskStopsAReadAtTheNextChunk() async throws {
        let root = try scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let repo = try LocalRepository(root: root)
        let data = (0..<(3 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        try await repo.put(key: "backups/x/objects/big.snapshot", bytes: data)
        let read = Task {
            var received = 0
            do {
                try await repo.get(key: "backups/x/objects/big.snapshot") { chunk in
                    received += chunk.count
                    withUnsafeCurrentTask { $0?.cancel() }
                }
            } catch is CancellationError {
                return received
            }
            return -1
        }
        let received = try await read.value
        #expect(received == 1 << 20, "one chunk was read before the cancellation was seen")
        #expect(try await repo.get(key: "backups/x/objects/big.snapshot") { _ in } == Int64(data.count))
    }

    @Test func abortAndCleanupLeaveNothing() async throws {
        let root = try scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let repo = try LocalRepository(root: root)
        struct Stop: Error {}
        await #expect(throws: Stop.self) {
            try await repo.write(key: "backups/y/o", expectedSize: nil) { writer in
                try await writer.write([1, 2, 3])
                throw Stop()
            }
        }
        let left = try await repo.incompleteUploads(prefix: "")
        #expect(left.isEmpty, "a failed write leaves no partial file")
        // What a killed process leaves: a partial file beside the final name.
        try FileManager.default.createDirectory(atPath: root + "/backups/y", withIntermediateDirectories: true)
        #expect(
            FileManager.default.createFile(
                atPath: root + "/backups/y/p" + LocalRepository.partialMarker + "0a0b", contents: Data([4])))
        let aborted = try await repo.abortIncompleteUploads(prefix: "backups/y/")
        #expect(aborted == 1)
        #expect(try repo.incompleteUploads(prefix: "").isEmpty)
        #expect(try repo.list(prefix: "").isEmpty)
        try await repo.put(key: "backups/y/manifest.json", bytes: [1])
        try repo.delete(keys: ["backups/y/manifest.json", "backups/y/missing"])
        #expect(!FileManager.default.fileExists(atPath: root + "/backups/y"), "empty folders are removed")
    }

    @Test(arguments: ["../etc/passwd", "/abs", "a/../../b", "a/./b", ""])
    func refusesUnsafeKeys(_ key: String) async throws {
        let root = try scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let repo = try LocalRepository(root: root)
        await #expect(throws: QSnapError.self) { try await repo.put(key: key, bytes: [1]) }
    }

    @Test func manifestStoreResolvesLatestAndRefusesUnknownIDs() async throws {
        let root = try scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let repo = try LocalRepository(root: root)
        await #expect(throws: QSnapError.self) { try await ManifestStore.resolve("latest", in: repo) }
        for id in ["20260101T000000Z-000001", "20260102T000000Z-000002"] {
            try await repo.put(key: BackupLayout.manifest(id), bytes: Array("{}".utf8))
        }
        try await repo.put(key: BackupLayout.progress("20260103T000000Z-000003"), bytes: [])
        await #expect(try ManifestStore.resolve("latest", in: repo) == "20260102T000000Z-000002")
        let e = await #expect(throws: QSnapError.self) {
            try await ManifestStore.read("20260103T000000Z-000003", from: repo)
        }
        #expect(e?.code == .backupNotFound)
        await #expect(throws: QSnapError.self) { try await ManifestStore.read("../../etc", from: repo) }
        try await repo.put(
            key: BackupLayout.folder("20260102T000000Z-000002") + "deleting.json", bytes: Array("{}".utf8))
        await #expect(
            try ManifestStore.resolve("latest", in: repo) == "20260101T000000Z-000001", "a backup being pruned is gone")
        let d = await #expect(throws: QSnapError.self) {
            try await ManifestStore.read("20260102T000000Z-000002", from: repo)
        }
        #expect(d?.code == .backupBeingDeleted)
    }
}
