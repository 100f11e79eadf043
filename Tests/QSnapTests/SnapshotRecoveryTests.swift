import Archive
import Foundation
import Logging
import QSnapCore
import QSnapTestSupport
import Qdrant
import Testing

@testable import QSnap

@Suite struct SnapshotRecoveryTests {
    typealias Tar = ObjectInspectionTests.Tar

    static let fileName = "c-shard-0-2026-01-01-00-00-00.snapshot"

    /// A directory holding `bytes` as the snapshot file; returns the file's path.
    func write(_ bytes: [UInt8], sidecar: String? = nil) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("qsnap-recover-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent(Self.fileName).path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        if let sidecar { try Data(sidecar.utf8).write(to: URL(fileURLWithPath: path + ".checksum")) }
        return path
    }

    /// A node answering `GET /` and accepting uploads.
    func node() throws -> LoopbackServer {
        try LoopbackServer { request in
            if request.method == "GET" && request.target == "/" {
                return .init(body: Array(#"{"title":"qdrant - vector search engine","version":"1.18.0"}"#.utf8))
            }
            return .init(
                headers: [("Content-Type", "application/json")],
                body: Array(#"{"result":true,"status":"ok","time":0.1}"#.utf8))
        }
    }

    func recover(
        _ path: String, scope: SnapshotScope = .shard("c", 0), server: LoopbackServer,
        priority: SnapshotPriority = .replica, checksum: String? = nil
    ) async throws -> SnapshotRecoveryResult {
        try await SnapshotRecovery(logger: Logger(label: "t")).recover(
            file: path, into: scope, url: "http://127.0.0.1:\(server.port)", connection: QdrantConnection(),
            priority: priority,
            checksum: checksum)
    }

    @Test func aGoodArchiveIsUploadedWithItsSHA256AndPriority() async throws {
        let data = ObjectInspectionTests.shardSnapshot(walBytes: 10_000)
        let path = try await write(data)
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let server = try await node()
        defer { server.stop() }
        let result = try await recover(path, server: server)
        let sha = Digest.sha256Hex(data)
        #expect(result.sha256 == sha && result.kind == "shard" && result.shard == 0 && result.priority == "replica")
        #expect(result.checksumSource == nil)
        let upload = try #require(server.requests.first { $0.method == "POST" })
        #expect(upload.target.hasPrefix("/collections/c/shards/0/snapshots/upload?"))
        #expect(upload.target.contains("checksum=\(sha)") && upload.target.contains("priority=replica"))
        #expect(upload.body.count > data.count)
        #expect(upload.body.firstRange(of: data) != nil)  // the archive, framed as multipart/form-data
    }

    @Test func aMatchingSidecarIsCheckedFirst() async throws {
        let data = ObjectInspectionTests.shardSnapshot(walBytes: 1000)
        let path = try write(data, sidecar: Digest.sha256Hex(data) + "\n")
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let server = try node()
        defer { server.stop() }
        await #expect(try await recover(path, server: server).checksumSource == "sidecar")
    }

    @Test func anUnsafeArchiveIsRefusedBeforeTheNodeIsContacted() async throws {
        // A hard link that escapes the archive root, after a sound shard.
        var data = ObjectInspectionTests.shardSnapshot(walBytes: 1000)
        data.removeLast(1024)
        var tar = Tar()
        tar.file("wal/../../../etc/cron.d/evil", "x")
        data += tar.archive()
        let path = try write(data)
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let server = try node()
        defer { server.stop() }
        let error = try await #require(throws: ArchiveError.self) { try await recover(path, server: server) }
        #expect(QSnapError(mapping: error)?.code.category == .refused)
        #expect(server.requests.isEmpty)
    }

    @Test func aChecksumMismatchFailsVerificationBeforeTheNodeIsContacted() async throws {
        let data = ObjectInspectionTests.shardSnapshot(walBytes: 1000)
        let server = try node()
        defer { server.stop() }
        let path = try write(data)
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let error = try await #require(throws: ArchiveError.self) {
            try await recover(path, server: server, checksum: String(repeating: "0", count: 64))
        }
        #expect(error.code == .checksum)
        let wrongSidecar = try write(data, sidecar: String(repeating: "e", count: 64))
        defer { try? FileManager.default.removeItem(atPath: (wrongSidecar as NSString).deletingLastPathComponent) }
        let sidecarError = try await #require(throws: ArchiveError.self) {
            try await recover(wrongSidecar, server: server)
        }
        #expect(sidecarError.code == .checksum)
        #expect(server.requests.isEmpty)
    }

    @Test func theArchiveMustBeOfTheScopesKind() async throws {
        let path = try write(ObjectInspectionTests.shardSnapshot(walBytes: 100))
        defer { try? FileManager.default.removeItem(atPath: (path as NSString).deletingLastPathComponent) }
        let server = try node()
        defer { server.stop() }
        let error = try await #require(throws: QSnapError.self) {
            try await recover(path, scope: .collection("c"), server: server)
        }
        #expect(error.code == .recoverKind)
        let full = try await #require(throws: QSnapError.self) { try await recover(path, scope: .full, server: server) }
        #expect(full.code == .qdrantFullRecover)
        #expect(server.requests.isEmpty)
    }

    @Test func aMissingFileIsAUsageError() async throws {
        let server = try node()
        defer { server.stop() }
        let error = try await #require(throws: QSnapError.self) {
            try await recover("/nonexistent/\(UUID().uuidString).snapshot", server: server)
        }
        #expect(error.code == .recoverFile)
    }
}
