import Foundation
import QSnapCore
import Testing

@testable import Archive

@Suite struct ArchiveFeedTests {
    /// A chunk holding `bytes`.
    static func chunk(_ bytes: ArraySlice<UInt8>) -> ArchiveChunk {
        let c = ArchiveChunk(capacity: max(1, bytes.count))
        bytes.withUnsafeBytes { c.mutableBytes.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: bytes.count) }
        c.count = bytes.count
        return c
    }

    /// Pushes `data` in `size`-byte chunks from a task, then finishes; the task ends with the push error, if any.
    static func produce(_ data: [UInt8], into feed: ArchiveFeed, size: Int = 1000) -> Task<(any Error)?, Never> {
        produce(data, into: feed, sizes: [size])
    }

    /// Pushes `data` in chunks of the sizes in `sizes` (cycling through them) from a task, then finishes.
    static func produce(_ data: [UInt8], into feed: ArchiveFeed, sizes: [Int]) -> Task<(any Error)?, Never> {
        Task {
            var i = 0
            var next = 0
            do {
                while i < data.count {
                    let end = min(i + sizes[next % sizes.count], data.count)
                    next += 1
                    try await feed.push(chunk(data[i..<end]))
                    i = end
                }
                feed.finish()
                return nil
            } catch {
                return error
            }
        }
    }

    @Test func chunksArriveInOrderAndTheFeedEnds() async throws {
        let feed = ArchiveFeed(limit: 4096)
        let data = (0..<100_000).map { UInt8($0 % 251) }
        let producer = Self.produce(data, into: feed, size: 777)
        let out = try await ArchiveWorkers.run {
            var out: [UInt8] = []
            while let c = try feed.next() { withExtendedLifetime(c) { out += c.bytes } }
            return out
        }
        #expect(out == data)
        #expect(await producer.value == nil)
    }

    @Test func aPoolThreadFeedsATask() async throws {
        // The other direction: a pool job pushes (waiting while the feed is full), a task pulls.
        let feed = ArchiveFeed(limit: 1000)
        let data = (0..<50_000).map { UInt8($0 % 253) }
        async let pushed: Void = ArchiveWorkers.run {
            for start in stride(from: 0, to: data.count, by: 300) {
                try feed.pushOnThread(Self.chunk(data[start..<min(start + 300, data.count)]))
            }
            feed.finish()
        }
        var out: [UInt8] = []
        while let c = try await feed.nextChunk() { out += Array(c.bytes) }
        try await pushed
        #expect(out == data)
    }

    @Test func cancellingAWaitingProducerEndsItsPush() async throws {
        let feed = ArchiveFeed(limit: 10)
        try await feed.push(Self.chunk([UInt8](repeating: 1, count: 10)[...]))
        let blocked = Task { try await feed.push(Self.chunk([2][...])) }
        try await Task.sleep(for: .milliseconds(50))
        blocked.cancel()
        await #expect(throws: CancellationError.self) { try await blocked.value }
    }

    @Test func aTakenChunkIsFreedWhenItsConsumerLetsGoOfIt() async throws {
        // The feed must not keep consumed chunks: memory stays at what is queued plus what consumers hold.
        let feed = ArchiveFeed()
        weak var first: ArchiveChunk?
        do {
            let a = Self.chunk([1, 2, 3][...])
            first = a
            try await feed.push(a)
        }
        try await feed.push(Self.chunk([4, 5][...]))
        do {
            let taken = try #require(try await feed.nextChunk())
            #expect(taken.count == 3)
        }
        #expect(first == nil, "the feed still references a chunk its consumer has dropped")
        #expect(try await feed.nextChunk()?.count == 2)
    }

    @Test func aFailedStreamThrowsTheProducersError() async throws {
        let feed = ArchiveFeed()
        try await feed.push(Self.chunk([1, 2, 3][...]))
        struct SourceBroke: Error {}
        feed.finish(SourceBroke())
        await #expect(throws: SourceBroke.self) { _ = try await feed.nextChunk() }
    }

    @Test func closingStopsAWaitingProducer() async throws {
        let feed = ArchiveFeed(limit: 10)
        let producer = Self.produce([UInt8](repeating: 1, count: 10_000), into: feed, size: 10)
        _ = try await feed.nextChunk()
        feed.close()
        let error = try #require(await producer.value as? ArchiveError)
        #expect(error.code == .feedClosed)
    }

    @Test func inspectingAFeedReportsWhatInspectingTheFileDoes() async throws {
        let archive = SyntheticSnapshots.clusterCollection()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("feed-\(UUID().uuidString).snapshot")
            .path
        defer { try? FileManager.default.removeItem(atPath: path) }
        #expect(FileManager.default.createFile(atPath: path, contents: Data(archive)))
        let feed = ArchiveFeed(limit: 2048)
        let producer = Self.produce(archive, into: feed, size: 1500)
        let options = InspectOptions(computeSHA256: true)
        let fromFeed = try await ArchiveWorkers.run {
            try SnapshotInspector.inspect(feed: feed, displayPath: "x.snapshot", options: options)
        }
        let fromFile = try SnapshotInspector.inspect(path: path, options: options)
        #expect(await producer.value == nil)
        #expect(fromFeed.kind == .collection)
        #expect(fromFeed.totals == fromFile.totals)
        #expect(fromFeed.collections == fromFile.collections)
        #expect(fromFeed.archive.sha256 == fromFile.archive.sha256)
        #expect(fromFeed.archive.bytes == Int64(archive.count))
    }

    @Test func anUnsafeArchiveIsRefusedAndItsProducerStopped() async throws {
        // The absolute path comes first, then a lot of data the inspection never needs to read.
        var t = TestTar()
        t.file("/etc/cron.d/evil", "* * * * * root sh")
        t.file("0/wal/open-1", [UInt8](repeating: 0, count: 1 << 20))
        let feed = ArchiveFeed(limit: 4096)
        let producer = Self.produce(t.archive(), into: feed, size: 512)
        let error = try await #require(throws: ArchiveError.self) {
            try await ArchiveWorkers.run { try SnapshotInspector.inspect(feed: feed, displayPath: "evil.snapshot") }
        }
        #expect(error.code == .absolutePath)
        let stopped = try #require(await producer.value as? ArchiveError)
        #expect(stopped.code == .feedClosed)
    }

    /// A collection snapshot whose segment tars hold 64 KiB of incompressible data, so chunk boundaries fall inside
    /// nested entries; plain, gzip- and zstd-compressed (by the `gzip` and `zstd` tools, as the other tests do).
    static func equivalenceArchives(in dir: ScratchDirectory) throws -> [String] {
        var rng = SystemRandomNumberGenerator()
        let noise = (0..<(64 << 10)).map { _ in UInt8.random(in: 0...255, using: &rng) }
        let segment = SyntheticSnapshots.segmentTar { $0.file("snapshot/files/vector_storage/vectors.dat", noise) }
        let plain = try dir.write(
            "prod-vectors-\(SyntheticSnapshots.peer)-2026-11-21-10-00-00.snapshot",
            SyntheticSnapshots.clusterCollection(segment: segment))
        for (tool, suffix) in [("gzip -c", "gz"), ("zstd -q -c", "zst")] {
            let status = shell("\(tool) \"$0\" > \"$0.\(suffix)\"", plain)
            try #require(status == 0, "\(tool) must be installed (make setup installs zstd)")
        }
        return [plain, plain + ".gz", plain + ".zst"]
    }

    /// Runs `/bin/sh -c command argument` and returns its wait status. (posix_spawn rather than `Process`, whose
    /// `run()` leaks a little memory that fails runs under the address sanitizer's leak check.)
    static func shell(_ command: String, _ argument: String) -> Int32 {
        let words: [String] = ["/bin/sh", "-c", command, argument]
        let argv: [UnsafeMutablePointer<CChar>?] = words.map { strdup($0) }
        let env: [UnsafeMutablePointer<CChar>?] = ProcessInfo.processInfo.environment.map {
            strdup("\($0.key)=\($0.value)")
        }
        defer { (argv + env).forEach { free($0) } }
        var pid = pid_t()
        guard posix_spawn(&pid, "/bin/sh", nil, nil, argv + [nil], env + [nil]) == 0 else { return -1 }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return status
    }

    @Test(arguments: [1, 511, 512, 513, 4096, 65537, 0])
    func aFeedInChunksOfAnySizeReportsWhatTheFileDoes(_ size: Int) async throws {
        let dir = try ScratchDirectory()
        for path in try Self.equivalenceArchives(in: dir) {
            let archive = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
            // 0: random sizes, from one byte to past a tar block and a libarchive read.
            let sizes = size > 0 ? [size] : (0..<997).map { _ in Int.random(in: 1...70_000) }
            let name = (path as NSString).lastPathComponent
            for options in [InspectOptions(computeSHA256: true, deep: true), InspectOptions(deep: false)] {
                let feed = ArchiveFeed(limit: 8192)
                let producer = Self.produce(archive, into: feed, sizes: sizes)
                let fromFeed = try await ArchiveWorkers.run {
                    try SnapshotInspector.inspect(feed: feed, displayPath: path, fileName: name, options: options)
                }
                #expect(await producer.value == nil)
                let fromFile = try SnapshotInspector.inspect(path: path, options: options)
                #expect(fromFeed == fromFile, "\(name), chunks of \(size), deep \(options.deep)")
                #expect(fromFeed.archive.bytes == Int64(archive.count))
                #expect(fromFeed.collections.first?.shards.first?.segments == 2)
                if options.computeSHA256 { #expect(fromFeed.archive.sha256 == Digest.sha256Hex(archive)) }
            }
        }
    }
}
