import Foundation
import QSnapCore
import Testing

@testable import Archive

/// Compressed archives that unpack far beyond their size (decompression bombs) are refused; ordinary compressed
/// archives and plain tar are not limited.
@Suite struct ExpansionLimitTests {
    @Test func ratioAndFloor() {
        let limit = ExpansionLimit(ratio: 1000, floorBytes: 1 << 30)
        #expect(!limit.isExceeded(unpacked: 1 << 30, packed: 1))  // at the floor: accepted
        #expect(limit.isExceeded(unpacked: (1 << 30) + 1, packed: 1000))
        #expect(!limit.isExceeded(unpacked: 4 << 30, packed: 5 << 20))  // ~800×: accepted
        #expect(limit.isExceeded(unpacked: 6 << 30, packed: 5 << 20))  // ~1200×
        #expect(!limit.isExceeded(unpacked: .max, packed: .max))
        #expect(limit.isExceeded(unpacked: 2 << 30, packed: 0))
        #expect(ExpansionLimit.default == limit)
    }

    /// A tar with one 64 MiB entry of zeros, gzip-compressed twice (a few hundred bytes).
    static func bomb(in dir: ScratchDirectory, megabytes: Int = 64) throws -> String {
        var header = TestTar()
        header.lyingFile("0/wal/open-1", declared: megabytes << 20, actual: 0)
        let headerPath = try dir.write("header.tar", header.bytes)
        let out = headerPath.replacingOccurrences(of: "header.tar", with: "bomb.snapshot.gz")
        let sh = Process()
        sh.executableURL = URL(fileURLWithPath: "/bin/sh")
        sh.arguments = [
            "-c", "{ cat \"$0\"; head -c $(($1 * 1048576 + 1024)) /dev/zero; } | gzip -c | gzip -c > \"$2\"",
            headerPath, "\(megabytes)", out,
        ]
        try sh.run()
        sh.waitUntilExit()
        #expect(sh.terminationStatus == 0)
        return out
    }

    @Test func doubleGzipBombIsRefusedByTheReader() throws {
        let dir = try ScratchDirectory()
        let path = try Self.bomb(in: dir)
        let packed = try #require(FileManager.default.attributesOfItem(atPath: path)[.size] as? Int)
        #expect(packed < 64 * 1024)
        let reader = try ArchiveReader(
            .path(path), label: "bomb", expansionLimit: ExpansionLimit(ratio: 1000, floorBytes: 8 << 20))
        let error = try #require(throws: ArchiveError.self) {
            while try reader.nextEntry() != nil {}
        }
        #expect(error.code.identifier == "archive.expansion")
        #expect(error.message.contains("decompression bomb"))
        // Stopped soon after the floor, not after unpacking all 64 MiB.
        #expect(reader.unpackedBytes < 32 << 20)
    }

    @Test func bombIsRefusedWhileReadingEntryData() throws {
        let dir = try ScratchDirectory()
        let path = try Self.bomb(in: dir)
        let reader = try ArchiveReader(
            .path(path), label: "bomb", expansionLimit: ExpansionLimit(ratio: 1000, floorBytes: 8 << 20))
        _ = try #require(try reader.nextEntry())
        let error = try #require(throws: ArchiveError.self) {
            var buffer = [UInt8](repeating: 0, count: 64 * 1024)
            while try buffer.withUnsafeMutableBytes({ try reader.read(into: $0) }) > 0 {}
        }
        #expect(error.code.identifier == "archive.expansion")
    }

    @Test func sameDataWithinTheLimitIsRead() throws {
        let dir = try ScratchDirectory()
        let path = try Self.bomb(in: dir, megabytes: 4)
        let reader = try ArchiveReader(
            .path(path), label: "small", expansionLimit: ExpansionLimit(ratio: 1000, floorBytes: 8 << 20))
        let entry = try #require(try reader.nextEntry())
        #expect(entry.size == 4 << 20)
        #expect(try reader.nextEntry() == nil)
        #expect(reader.filters == ["gzip", "gzip"])
    }

    @Test func ordinaryGzipSnapshotIsNotLimited() throws {
        // The real fixture unpacks ~470× at most; a tight floor proves the ratio, not the floor, decides.
        let path = Fixtures.qdrant("full-snapshot-2023-06.snapshot.gz")
        let reader = try ArchiveReader(
            .path(path), label: "fixture", expansionLimit: ExpansionLimit(ratio: 1000, floorBytes: 1 << 20))
        var entries = 0
        while try reader.nextEntry() != nil { entries += 1 }
        #expect(entries > 1)
    }

    @Test func inspectorRefusesTheBombInBothModesAndWritesNothing() throws {
        let dir = try ScratchDirectory()
        let path = try Self.bomb(in: dir)
        for deep in [true, false] {
            var options = InspectOptions(deep: deep)
            options.expansionLimit = ExpansionLimit(ratio: 1000, floorBytes: 8 << 20)
            let error = try #require(throws: ArchiveError.self) {
                try SnapshotInspector.inspect(path: path, options: options)
            }
            #expect(error.code.identifier == "archive.expansion", "\(error)")
            #expect(error.message.contains("bomb.snapshot.gz"))
        }
        #expect(Set(dir.allFiles()) == ["header.tar", "bomb.snapshot.gz"])
    }
}
