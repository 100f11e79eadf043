import Archive
import Foundation
import QSnapCore
import Testing
@testable import QSnap

@Suite struct ObjectInspectionTests {
    /// A minimal ustar writer for the archives these tests need.
    struct Tar {
        var bytes: [UInt8] = []

        mutating func file(_ name: String, _ content: [UInt8]) {
            header(name, type: 0x30, size: content.count)
            bytes += content
            bytes += [UInt8](repeating: 0, count: (512 - content.count % 512) % 512)
        }

        mutating func file(_ name: String, _ text: String) { file(name, Array(text.utf8)) }

        func archive() -> [UInt8] { bytes + [UInt8](repeating: 0, count: 1024) }

        private mutating func header(_ name: String, type: UInt8, size: Int) {
            var h = [UInt8](repeating: 0, count: 512)
            func put(_ s: String, _ at: Int) { for (i, b) in s.utf8.enumerated() { h[at + i] = b } }
            put(name, 0)
            put("0000644", 100)
            put("0000000", 108)
            put("0000000", 116)
            put(String(format: "%011o", size), 124)
            put("00000000000", 136)
            h[156] = type
            put("ustar", 257)
            put("00", 263)
            for i in 148..<156 { h[i] = 0x20 }
            let sum = h.reduce(0) { $0 + Int($1) }
            put(String(format: "%06o", sum), 148)
            h[154] = 0
            bytes += h
        }
    }

    /// A shard snapshot (streamable format) with `walBytes` of WAL, optionally with an extra entry first.
    static func shardSnapshot(walBytes: Int, first: ((inout Tar) -> Void)? = nil) -> [UInt8] {
        var t = Tar()
        first?(&t)
        t.file("wal/open-1", [UInt8](repeating: 0x5a, count: walBytes))
        t.file("newest_clocks.json", #"{"clocks":[]}"#)
        t.file("replica_state.json", #"{"is_local":true,"this_peer_id":7,"peers":{"7":"Active"}}"#)
        t.file("shard_config.json", #"{"type":"ReplicaSet"}"#)
        return t.archive()
    }

    static func object(_ data: [UInt8], sha256: String? = nil, size: Int64? = nil) -> BackupManifest.Object {
        BackupManifest.Object(
            key: "backups/x/objects/c/shard-0/c-shard-0-2026-01-01-00-00-00.snapshot", size: size ?? Int64(data.count),
            sha256: sha256 ?? Digest.sha256Hex(data), etag: "", kind: .shard, collection: "c", shardId: 0, peerId: 7,
            nodeURL: "http://n1:6333", snapshotName: "c-shard-0-2026-01-01-00-00-00.snapshot", shards: [0])
    }

    /// Serves `data` in pieces of at most `piece` bytes, counting what was read.
    final class Source: @unchecked Sendable {
        let data: [UInt8]
        let piece: Int
        private(set) var offset = 0

        init(_ data: [UInt8], piece: Int = 100_000) {
            self.data = data
            self.piece = piece
        }

        func read(_ buffer: UnsafeMutableRawBufferPointer) -> Int {
            let n = min(buffer.count, piece, data.count - offset)
            data[offset..<(offset + n)].withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: n) }
            offset += n
            return n
        }
    }

    /// What an upload would send: every byte handed out, how many had been when the checks passed, the error.
    struct Sent {
        var bytes: [UInt8] = []
        var sentBeforeVerdict: Int?
        var error: QSnapError?
    }

    static func upload(_ inspection: ObjectInspection, total: Int, buffer size: Int = 64 * 1024) -> Sent {
        var sent = Sent()
        var buffer = [UInt8](repeating: 0, count: size)
        do {
            while true {
                let n = try buffer.withUnsafeMutableBytes { try inspection.read(into: $0) }
                if inspection.passed, sent.sentBeforeVerdict == nil { sent.sentBeforeVerdict = sent.bytes.count }
                if n == 0 { break }
                sent.bytes += buffer[0..<n]
            }
        } catch {
            sent.error = error as? QSnapError
        }
        inspection.cancel()
        return sent
    }

    @Test func aSoundObjectStreamsWholeAndPassesBeforeItsLastChunk() throws {
        let data = Self.shardSnapshot(walBytes: 3 * ObjectInspection.chunkSize + 12_345)
        let source = Source(data)
        let inspection = ObjectInspection(object: Self.object(data), source: { source.read($0) })
        let sent = Self.upload(inspection, total: data.count)
        #expect(sent.error == nil)
        #expect(sent.bytes == data)
        #expect(inspection.passed)
        // The checks passed before the final chunk went out, and not before the chunk ahead of it was read.
        let before = try #require(sent.sentBeforeVerdict)
        #expect(before < data.count)
        #expect(before >= data.count - 2 * ObjectInspection.chunkSize)
    }

    @Test func anUnsafeObjectIsRefusedBeforeItsLastBytesAndStopsEarly() throws {
        let data = Self.shardSnapshot(walBytes: 40 * ObjectInspection.chunkSize) { $0.file("../../etc/passwd", "root::0:0") }
        let source = Source(data)
        let inspection = ObjectInspection(object: Self.object(data), source: { source.read($0) })
        let sent = Self.upload(inspection, total: data.count)
        let error = try #require(sent.error)
        #expect(error.code.category == "refused")
        #expect(error.message.contains("etc/passwd"))
        #expect(sent.bytes.count < data.count)
        #expect(!inspection.passed)
        #expect(inspection.refusal?.code == error.code)
        // The inspection failed on the first entry: reading stopped long before the end of the object. However late
        // the inspector thread runs, the reader can get at most the feed's limit (and the chunks in hand) ahead of it.
        #expect(source.offset <= ArchiveFeed().limit + 3 * ObjectInspection.chunkSize)
        #expect(source.offset < data.count / 2)
    }

    @Test func aWrongSHA256IsRefusedBeforeTheLastChunk() throws {
        let data = Self.shardSnapshot(walBytes: 2 * ObjectInspection.chunkSize)
        let source = Source(data)
        let inspection = ObjectInspection(object: Self.object(data, sha256: String(repeating: "ab", count: 32)),
                                          source: { source.read($0) })
        let sent = Self.upload(inspection, total: data.count)
        let error = try #require(sent.error)
        #expect(error.code == .verificationFailed("archive.checksum"))
        #expect(sent.bytes.count < data.count)
        #expect(sent.sentBeforeVerdict == nil)
    }

    @Test func aSmallObjectSendsNothingBeforeTheVerdict() throws {
        let data = Self.shardSnapshot(walBytes: 1000) { $0.file("/abs/path", "x") }
        let source = Source(data)
        let inspection = ObjectInspection(object: Self.object(data), source: { source.read($0) })
        let sent = Self.upload(inspection, total: data.count)
        #expect(sent.error?.code.category == "refused")
        #expect(sent.bytes.isEmpty)
    }

    @Test(arguments: [-1, 1])
    func anObjectOfAnotherSizeIsRefused(_ delta: Int) throws {
        let data = Self.shardSnapshot(walBytes: ObjectInspection.chunkSize)
        let source = Source(data)
        let inspection = ObjectInspection(object: Self.object(data, size: Int64(data.count + delta)), source: { source.read($0) })
        let sent = Self.upload(inspection, total: data.count + delta)
        #expect(sent.error?.code == .verificationFailed("verify.size"))
        #expect(sent.bytes.count < min(data.count, data.count + delta))
    }

    @Test func runChecksWithoutSending() throws {
        let data = Self.shardSnapshot(walBytes: 2 * ObjectInspection.chunkSize + 1)
        let source = Source(data)
        let good = ObjectInspection(object: Self.object(data), source: { source.read($0) })
        try good.run()
        #expect(good.passed)
        good.cancel()

        let bad = Self.shardSnapshot(walBytes: 10) { $0.file("a/../../x", "x") }
        let badSource = Source(bad)
        let refused = ObjectInspection(object: Self.object(bad), source: { badSource.read($0) })
        let error = try #require(throws: QSnapError.self) { try refused.run() }
        #expect(error.code.category == "refused")
        refused.cancel()
    }

    @Test func aRepositoryReadErrorIsPassedOnAndStopsTheChecks() throws {
        let data = Self.shardSnapshot(walBytes: 3 * ObjectInspection.chunkSize)
        let source = Source(data)
        let inspection = ObjectInspection(object: Self.object(data), source: { buffer in
            if source.offset > ObjectInspection.chunkSize {
                throw QSnapError(.failure("test.read"), "the repository went away")
            }
            return source.read(buffer)
        })
        let sent = Self.upload(inspection, total: data.count)
        #expect(sent.error?.code == .failure("test.read"))
        #expect(inspection.refusal == nil)
        #expect(!inspection.passed)
    }
}
