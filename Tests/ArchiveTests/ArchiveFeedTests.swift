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

    /// Pushes `data` in `size`-byte chunks from another thread, then finishes; returns the thread's push error, if any.
    static func produce(_ data: [UInt8], into feed: ArchiveFeed, size: Int = 1000) -> @Sendable () -> (any Error)? {
        final class Box: @unchecked Sendable { var error: (any Error)? }
        let box = Box()
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            defer { done.signal() }
            var i = 0
            do {
                while i < data.count {
                    let end = min(i + size, data.count)
                    try feed.push(chunk(data[i..<end]))
                    i = end
                }
                feed.finish()
            } catch {
                box.error = error
            }
        }
        thread.start()
        return {
            done.wait()
            return box.error
        }
    }

    @Test func chunksArriveInOrderAndTheFeedEnds() throws {
        let feed = ArchiveFeed(limit: 4096)
        let data = (0..<100_000).map { UInt8($0 % 251) }
        let join = Self.produce(data, into: feed, size: 777)
        var out: [UInt8] = []
        while let c = try feed.next() { out += c.bytes }
        #expect(out == data)
        #expect(join() == nil)
    }

    @Test func aFailedStreamThrowsTheProducersError() throws {
        let feed = ArchiveFeed()
        try feed.push(Self.chunk([1, 2, 3][...]))
        feed.finish(QSnapError(.failure("test.source"), "the source broke"))
        let error = try #require(throws: QSnapError.self) { _ = try feed.next() }
        #expect(error.code == .failure("test.source"))
    }

    @Test func closingStopsABlockedProducer() throws {
        let feed = ArchiveFeed(limit: 10)
        let join = Self.produce([UInt8](repeating: 1, count: 10_000), into: feed, size: 10)
        _ = try feed.next()
        feed.close()
        let error = try #require(join() as? QSnapError)
        #expect(error.code == .failure("archive.feed-closed"))
    }

    @Test func inspectingAFeedReportsWhatInspectingTheFileDoes() throws {
        let archive = SyntheticSnapshots.clusterCollection()
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("feed-\(UUID().uuidString).snapshot").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        FileManager.default.createFile(atPath: path, contents: Data(archive))
        let feed = ArchiveFeed(limit: 2048)
        let join = Self.produce(archive, into: feed, size: 1500)
        let options = InspectOptions(computeSHA256: true)
        let fromFeed = try SnapshotInspector.inspect(feed: feed, displayPath: "x.snapshot", options: options)
        let fromFile = try SnapshotInspector.inspect(path: path, options: options)
        #expect(join() == nil)
        #expect(fromFeed.kind == .collection)
        #expect(fromFeed.totals == fromFile.totals)
        #expect(fromFeed.collections == fromFile.collections)
        #expect(fromFeed.archive.sha256 == fromFile.archive.sha256)
        #expect(fromFeed.archive.bytes == Int64(archive.count))
    }

    @Test func anUnsafeArchiveIsRefusedAndItsProducerStopped() throws {
        // The absolute path comes first, then a lot of data the inspection never needs to read.
        var t = TestTar()
        t.file("/etc/cron.d/evil", "* * * * * root sh")
        t.file("0/wal/open-1", [UInt8](repeating: 0, count: 1 << 20))
        let feed = ArchiveFeed(limit: 4096)
        let join = Self.produce(t.archive(), into: feed, size: 512)
        let error = try #require(throws: QSnapError.self) {
            try SnapshotInspector.inspect(feed: feed, displayPath: "evil.snapshot")
        }
        #expect(error.code.category == "refused")
        let stopped = try #require(join() as? QSnapError)
        #expect(stopped.code == .failure("archive.feed-closed"))
    }
}
