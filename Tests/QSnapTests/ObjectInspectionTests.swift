import Archive
import Foundation
import QSnapCore
import QSnapTestSupport
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
            data[offset..<(offset + n)].withUnsafeBytes {
                buffer.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: n)
            }
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
        let data = Self.shardSnapshot(walBytes: 40 * ObjectInspection.chunkSize) {
            $0.file("../../etc/passwd", "root::0:0")
        }
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
        let inspection = ObjectInspection(
            object: Self.object(data, sha256: String(repeating: "ab", count: 32)),
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
        let inspection = ObjectInspection(
            object: Self.object(data, size: Int64(data.count + delta)), source: { source.read($0) })
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

    @Test func anObjectWithoutAManifestChecksumPassesWithTheComputedOne() throws {
        let data = Self.shardSnapshot(walBytes: ObjectInspection.chunkSize + 7)
        let source = Source(data)
        var object = Self.object(data)
        object.sha256 = nil  // a server-side copy not yet verified
        let inspection = ObjectInspection(object: object, source: { source.read($0) })
        #expect(inspection.sha256 == nil)
        try inspection.run()
        #expect(inspection.passed)
        #expect(inspection.sha256 == Digest.sha256Hex(data))
        inspection.cancel()
    }

    @Test func aRepositoryReadErrorIsPassedOnAndStopsTheChecks() throws {
        let data = Self.shardSnapshot(walBytes: 3 * ObjectInspection.chunkSize)
        let source = Source(data)
        let inspection = ObjectInspection(
            object: Self.object(data),
            source: { buffer in
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

    // MARK: Threads

    @Test func theCheckThreadsHaveExitedWhenCancelReturns() throws {
        // Many short inspections, each checked right after cancel(): a check thread that only signalled its end (and
        // still ran its exit clean-up) would be caught here by some of them.
        let sound = Self.shardSnapshot(walBytes: 10_000)
        let unsafe = Self.shardSnapshot(walBytes: 10_000) { $0.file("../x", "x") }
        var running: [String] = []
        for i in 0..<300 {
            let data = i % 2 == 0 ? sound : unsafe
            let source = Source(data)
            let inspection = ObjectInspection(object: Self.object(data), source: { source.read($0) })
            let threads = inspection.threads
            #expect(threads.count == 2)
            switch i % 3 {
            case 0: _ = try? inspection.run()
            case 1: _ = Self.upload(inspection, total: data.count)
            default: break  // cancelled before anything was read
            }
            inspection.cancel()
            running += JoinableThreadTests.stillRunning(threads)
        }
        #expect(running.count == 0, "check threads still running after cancel(): \(running.prefix(5))")
    }

    /// Serves `data` in random pieces of at most `maxPiece` bytes, yielding the CPU at random; optionally fails after
    /// `failAfter` bytes. Used from the reading thread only.
    final class RandomSource: @unchecked Sendable {
        let data: [UInt8]
        let maxPiece: Int
        let failAfter: Int?
        var rng: SeededGenerator
        private(set) var offset = 0

        init(_ data: [UInt8], maxPiece: Int, failAfter: Int?, seed: UInt64) {
            self.data = data
            self.maxPiece = maxPiece
            self.failAfter = failAfter
            rng = SeededGenerator(state: seed)
        }

        func read(_ buffer: UnsafeMutableRawBufferPointer) throws -> Int {
            if rng.next() % 4 == 0 { sched_yield() }
            if let failAfter, offset >= failAfter {
                throw QSnapError(.failure("test.read"), "the repository went away")
            }
            let n = min(buffer.count, Int.random(in: 1...maxPiece, using: &rng), data.count - offset)
            data[offset..<(offset + n)].withUnsafeBytes {
                buffer.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: n)
            }
            offset += n
            return n
        }
    }

    static func isPrefix(_ prefix: [UInt8], of data: [UInt8]) -> Bool {
        prefix.count <= data.count
            && prefix.withUnsafeBytes { a in
                data.withUnsafeBytes { b in prefix.isEmpty || memcmp(a.baseAddress!, b.baseAddress!, a.count) == 0 }
            }
    }

    @Test func stressManyObjectsReadAndStoppedAtRandom() throws {
        enum Kind: CaseIterable { case sound, unsafeFirst, unsafeLast, wrongSHA, shortRead, longRead, readError }
        struct Variant {
            let kind: Kind
            let data: [UInt8]
            let object: BackupManifest.Object
        }
        let chunk = ObjectInspection.chunkSize
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
        var running: [String] = []
        var judged = 0
        for iteration in 0..<300 {
            let v = variants.randomElement(using: &rng)!
            let context = Comment(rawValue: "seed \(seed), iteration \(iteration), \(v.kind), \(v.data.count) bytes")
            // Piece and buffer sizes from 1 byte up, but not so small that a large object takes millions of calls.
            let floor = max(1, v.data.count / 4096)
            let maxPiece = max(floor, 1 << Int.random(in: 0...20, using: &rng))
            let bufferSize = max(floor, Int.random(in: 1...(1 << Int.random(in: 0...18, using: &rng)), using: &rng))
            let failAfter = v.kind == .readError ? Int.random(in: 0...v.data.count / 2, using: &rng) : nil
            let source = RandomSource(v.data, maxPiece: maxPiece, failAfter: failAfter, seed: rng.next())
            var inspection: ObjectInspection? = ObjectInspection(object: v.object, source: { try source.read($0) })
            let threads = inspection!.threads
            // Stop after a random number of reads (cancelled, or dropped without cancel()) or read to the end.
            let stop = Int.random(in: 0..<4, using: &rng)
            let stopAfter = stop < 2 ? Int.random(in: 0...(v.data.count / bufferSize + 1), using: &rng) : nil
            let useRun = stop == 3 && Bool.random(using: &rng)
            var received: [UInt8] = []
            var error: QSnapError?
            var ended = false
            var passed = false
            if useRun {
                do { try inspection!.run() } catch let thrown {
                    error = thrown as? QSnapError ?? QSnapError(.failure("x"), "\(thrown)")
                }
                ended = true
                passed = inspection!.passed
            } else {
                var buffer = [UInt8](repeating: 0, count: bufferSize)
                var reads = 0
                do {
                    while stopAfter.map({ reads < $0 }) ?? true {
                        let n = try buffer.withUnsafeMutableBytes { try inspection!.read(into: $0) }
                        reads += 1
                        if n == 0 { ended = true; break }
                        received.append(contentsOf: buffer[0..<n])
                    }
                } catch let thrown {
                    error = thrown as? QSnapError ?? QSnapError(.failure("x"), "\(thrown)")
                    ended = true
                }
                passed = inspection!.passed
            }
            if stop == 1 { inspection = nil } else { inspection!.cancel() }
            _ = inspection
            running += JoinableThreadTests.stillRunning(threads)

            // Whatever happened, what was handed out is the object's bytes, in order.
            #expect(Self.isPrefix(received, of: v.data), context)
            guard ended else { continue }
            judged += 1
            switch v.kind {
            case .sound:
                #expect(error == nil, context)
                #expect(passed, context)
                if !useRun { #expect(received.count == v.data.count, context) }
            case .unsafeFirst, .unsafeLast:
                #expect(error?.code.exitStatus == ExitStatus.refused, context)
                #expect(received.count < v.data.count, context)
            case .wrongSHA:
                #expect(error?.code == .verificationFailed("archive.checksum"), context)
                #expect(received.count < v.data.count, context)
            case .shortRead, .longRead:
                #expect(error?.code == .verificationFailed("verify.size"), context)
                #expect(received.count < v.data.count, context)
            case .readError:
                #expect(error?.code == .failure("test.read"), context)
            }
            if v.kind != .sound { #expect(!passed, context) }
        }
        #expect(running.count == 0, "check threads still running after cancel() or release: \(running.prefix(5))")
        #expect(judged >= 100, "most objects are read to their verdict (seed \(seed))")
    }
}
