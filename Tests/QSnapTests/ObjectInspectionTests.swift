import Archive
import Foundation
import QSnapCore
import QSnapTestSupport
import Synchronization
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

    /// A shard snapshot (streamable format) with `walBytes` of WAL, optionally with an extra entry first or last.
    static func shardSnapshot(walBytes: Int, first: ((inout Tar) -> Void)? = nil, last: ((inout Tar) -> Void)? = nil)
        -> [UInt8]
    {
        var t = Tar()
        first?(&t)
        t.file("wal/open-1", [UInt8](repeating: 0x5a, count: walBytes))
        t.file("newest_clocks.json", #"{"clocks":[]}"#)
        t.file("replica_state.json", #"{"is_local":true,"this_peer_id":7,"peers":{"7":"Active"}}"#)
        t.file("shard_config.json", #"{"type":"ReplicaSet"}"#)
        last?(&t)
        return t.archive()
    }

    static func object(_ data: [UInt8], sha256: String? = nil, size: Int64? = nil) -> BackupManifest.Object {
        BackupManifest.Object(
            key: "backups/x/objects/c/shard-0/c-shard-0-2026-01-01-00-00-00.snapshot", size: size ?? Int64(data.count),
            sha256: sha256 ?? Digest.sha256Hex(data), etag: "", kind: .shard, collection: "c", shardId: 0, peerId: 7,
            nodeURL: "http://n1:6333", snapshotName: "c-shard-0-2026-01-01-00-00-00.snapshot", shards: [0])
    }

    /// A repository holding one object that it serves in pieces of `piece` bytes (or random pieces up to it),
    /// counting what was read, optionally failing once `failAfter` bytes were read.
    final class PieceRepository: Repository, Sendable {
        let data: [UInt8]
        let piece: Int
        let randomPieces: Bool
        let failAfter: Int?
        private let state: Mutex<(offset: Int, rng: SeededGenerator)>

        init(_ data: [UInt8], piece: Int = 100_000, random seed: UInt64? = nil, failAfter: Int? = nil) {
            self.data = data
            self.piece = piece
            self.randomPieces = seed != nil
            self.failAfter = failAfter
            state = Mutex((0, SeededGenerator(state: seed ?? 1)))
        }

        /// Bytes handed out so far.
        var offset: Int { state.withLock { $0.offset } }
        var displayURL: String { "pieces" }

        func get(key: String, onBody: ([UInt8]) async throws -> Void) async throws -> Int64 {
            while true {
                let next = try state.withLock { s -> [UInt8]? in
                    if let failAfter, s.offset >= failAfter {
                        throw QSnapError(.repoRead, "the repository went away")
                    }
                    guard s.offset < data.count else { return nil }
                    let size = randomPieces ? Int.random(in: 1...piece, using: &s.rng) : piece
                    let n = min(size, data.count - s.offset)
                    defer { s.offset += n }
                    return Array(data[s.offset..<s.offset + n])
                }
                guard let next else { return Int64(data.count) }
                if randomPieces { await Task.yield() }
                try await onBody(next)
            }
        }

        func write(
            key: String, expectedSize: Int64?, _ produce: (any RepositoryObjectWriter) async throws -> Void
        ) async throws -> RepositoryObject { throw QSnapError(.repoWrite, "read-only") }
        func put(key: String, bytes: [UInt8]) async throws { throw QSnapError(.repoWrite, "read-only") }
        func head(key: String) async throws -> RepositoryObject? {
            RepositoryObject(key: key, size: Int64(data.count), etag: "")
        }
        func list(prefix: String) async throws -> [RepositoryObject] { [] }
        func delete(keys: [String]) async throws {}
        func incompleteUploads(prefix: String) async throws -> [String] { [] }
        func abortIncompleteUploads(prefix: String) async throws -> Int { 0 }
    }

    /// What an upload would send: every chunk handed out, how many bytes had been when the checks passed, the error.
    struct Sent: Sendable {
        var bytes: [UInt8] = []
        var sentBeforeVerdict: Int?
        var error: QSnapError?
        var passed = false
    }

    /// Pulls the object through the inspection as an upload's body would, stopping after `stopAfter` chunks.
    static func upload(
        _ object: BackupManifest.Object, from repository: PieceRepository, stopAfter: Int? = nil
    ) async -> Sent {
        do {
            return try await ObjectInspection.check(object, in: repository) { inspection in
                var sent = Sent()
                do {
                    var chunks = 0
                    while stopAfter.map({ chunks < $0 }) ?? true, let chunk = try await inspection.next() {
                        if await inspection.passed, sent.sentBeforeVerdict == nil {
                            sent.sentBeforeVerdict = sent.bytes.count
                        }
                        sent.bytes += chunk
                        chunks += 1
                    }
                } catch {
                    sent.error = error as? QSnapError ?? QSnapError(.internal, "\(error)")
                }
                sent.passed = await inspection.passed
                return sent
            }
        } catch {
            return Sent(error: error as? QSnapError ?? QSnapError(.internal, "\(error)"))
        }
    }

    @Test func aSoundObjectStreamsWholeAndPassesBeforeItsLastChunk() async throws {
        let data = Self.shardSnapshot(walBytes: 3 << 20 + 12_345)
        let sent = await Self.upload(Self.object(data), from: PieceRepository(data))
        #expect(sent.error == nil)
        #expect(sent.bytes == data)
        #expect(sent.passed)
        // The checks passed before the final chunk went out, and not before the chunk ahead of it was read.
        let before = try #require(sent.sentBeforeVerdict)
        #expect(before < data.count)
        #expect(before >= data.count - 2 * 100_000)
    }

    @Test func anUnsafeObjectIsRefusedBeforeItsLastBytesAndStopsEarly() async throws {
        let data = Self.shardSnapshot(walBytes: 40 << 20) { $0.file("../../etc/passwd", "root::0:0") }
        let repository = PieceRepository(data)
        let sent = await Self.upload(Self.object(data), from: repository)
        let error = try #require(sent.error)
        #expect(error.code.category == .refused)
        #expect(error.message.contains("etc/passwd"))
        #expect(sent.bytes.count < data.count)
        #expect(!sent.passed)
        // The inspection failed on the first entry: reading stopped long before the end of the object. However late
        // the inspector runs, the reader can get at most the feed's limit (and the chunks in hand) ahead of it.
        #expect(repository.offset <= ArchiveFeed().limit + 8 * 100_000)
        #expect(repository.offset < data.count / 2)
    }

    @Test func aWrongSHA256IsRefusedBeforeTheLastChunk() async throws {
        let data = Self.shardSnapshot(walBytes: 2 << 20)
        let sent = await Self.upload(
            Self.object(data, sha256: String(repeating: "ab", count: 32)), from: PieceRepository(data))
        let error = try #require(sent.error)
        #expect(error.code == .archiveChecksum)
        #expect(sent.bytes.count < data.count)
        #expect(sent.sentBeforeVerdict == nil)
    }

    @Test func aSmallObjectSendsNothingBeforeTheVerdict() async throws {
        let data = Self.shardSnapshot(walBytes: 1000) { $0.file("/abs/path", "x") }
        let sent = await Self.upload(Self.object(data), from: PieceRepository(data))
        #expect(sent.error?.code.category == .refused)
        #expect(sent.bytes.isEmpty)
    }

    @Test(arguments: [-1, 1])
    func anObjectOfAnotherSizeIsRefused(_ delta: Int) async throws {
        let data = Self.shardSnapshot(walBytes: 1 << 20)
        let sent = await Self.upload(Self.object(data, size: Int64(data.count + delta)), from: PieceRepository(data))
        #expect(sent.error?.code == .verifySize)
        #expect(sent.bytes.count < min(data.count, data.count + delta))
    }

    @Test func runChecksWithoutSending() async throws {
        let data = Self.shardSnapshot(walBytes: 2 << 20 + 1)
        let report = try await ObjectInspection.check(Self.object(data), in: PieceRepository(data)) { inspection in
            let report = try await inspection.run()
            #expect(await inspection.passed)
            return report
        }
        #expect(report.kind == .shard)

        let bad = Self.shardSnapshot(walBytes: 10) { $0.file("a/../../x", "x") }
        await #expect {
            try await ObjectInspection.check(Self.object(bad), in: PieceRepository(bad)) { try await $0.run() }
        } throws: { ($0 as? QSnapError)?.code.category == .refused }
    }

    @Test func anObjectWithoutAManifestChecksumPassesWithTheComputedOne() async throws {
        let data = Self.shardSnapshot(walBytes: 1 << 20 + 7)
        var object = Self.object(data)
        object.sha256 = nil  // a server-side copy not yet verified
        let sha = try await ObjectInspection.check(object, in: PieceRepository(data)) { inspection in
            #expect(await inspection.sha256 == nil)
            _ = try await inspection.run()
            #expect(await inspection.passed)
            return await inspection.sha256
        }
        #expect(sha == Digest.sha256Hex(data))
    }

    @Test func aRepositoryReadErrorIsPassedOnAndStopsTheChecks() async throws {
        let data = Self.shardSnapshot(walBytes: 3 << 20)
        let sent = await Self.upload(Self.object(data), from: PieceRepository(data, failAfter: 1 << 20))
        #expect(sent.error?.code == .repoRead)
        #expect(!sent.passed)
    }

    // MARK: Stress

    static func isPrefix(_ prefix: [UInt8], of data: [UInt8]) -> Bool {
        prefix.count <= data.count
            && prefix.withUnsafeBytes { a in
                data.withUnsafeBytes { b in prefix.isEmpty || memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0 }
            }
    }

    /// Many objects read in random pieces and stopped at random: every check ends with its verdict or its stop (and
    /// its libarchive job with it: the check awaits it).
    @Test func stressManyObjectsReadAndStoppedAtRandom() async throws {
        enum Kind: CaseIterable { case sound, unsafeFirst, unsafeLast, wrongSHA, shortRead, longRead, readError }
        struct Variant {
            let kind: Kind
            let data: [UInt8]
            let object: BackupManifest.Object
        }
        let chunk = 1 << 20
        var variants: [Variant] = []
        for wal in [0, 3000, chunk - 5000, chunk + 777, 2 * chunk + 5] {
            let sound = Self.shardSnapshot(walBytes: wal)
            let early = Self.shardSnapshot(walBytes: wal) { $0.file("../../etc/passwd", "root::0:0") }
            let late = Self.shardSnapshot(walBytes: wal, last: { $0.file("/etc/cron.d/x", "* * * * * root sh") })
            variants += [
                Variant(kind: .sound, data: sound, object: Self.object(sound)),
                Variant(kind: .unsafeFirst, data: early, object: Self.object(early)),
                Variant(kind: .unsafeLast, data: late, object: Self.object(late)),
                Variant(
                    kind: .wrongSHA, data: sound, object: Self.object(sound, sha256: String(repeating: "0f", count: 32))
                ),
                Variant(kind: .shortRead, data: sound, object: Self.object(sound, size: Int64(sound.count + 512))),
                Variant(kind: .longRead, data: sound, object: Self.object(sound, size: Int64(sound.count - 1))),
                Variant(kind: .readError, data: sound, object: Self.object(sound)),
            ]
        }
        let seed = UInt64.random(in: 0...UInt64.max)
        var rng = SeededGenerator(state: seed)
        var judged = 0
        for iteration in 0..<200 {
            let v = variants.randomElement(using: &rng)!
            let context = Comment(rawValue: "seed \(seed), iteration \(iteration), \(v.kind), \(v.data.count) bytes")
            let floor = max(1, v.data.count / 2048)
            let maxPiece = max(floor, 1 << Int.random(in: 0...20, using: &rng))
            let failAfter = v.kind == .readError ? Int.random(in: 0...v.data.count / 2, using: &rng) : nil
            let repository = PieceRepository(v.data, piece: maxPiece, random: rng.next(), failAfter: failAfter)
            // Stop after a random number of chunks, or read to the end.
            let stopAfter =
                Bool.random(using: &rng) ? Int.random(in: 0...(v.data.count / maxPiece + 1), using: &rng) : nil
            let sent = await Self.upload(v.object, from: repository, stopAfter: stopAfter)
            #expect(Self.isPrefix(sent.bytes, of: v.data), context)
            let ended = stopAfter == nil || sent.error != nil
            guard ended else { continue }
            judged += 1
            switch v.kind {
            case .sound:
                #expect(sent.error == nil, context)
                #expect(sent.passed, context)
                #expect(sent.bytes.count == v.data.count, context)
            case .unsafeFirst, .unsafeLast:
                #expect(sent.error?.code.category == .refused, context)
                #expect(sent.bytes.count < v.data.count, context)
            case .wrongSHA:
                #expect(sent.error?.code == .archiveChecksum, context)
                #expect(sent.bytes.count < v.data.count, context)
            case .shortRead, .longRead:
                #expect(sent.error?.code == .verifySize, context)
                #expect(sent.bytes.count < v.data.count, context)
            case .readError:
                #expect(sent.error?.code == .repoRead, context)
            }
            if v.kind != .sound { #expect(!sent.passed, context) }
        }
        #expect(judged >= 60, "most objects are read to their verdict (seed \(seed))")
    }
}
