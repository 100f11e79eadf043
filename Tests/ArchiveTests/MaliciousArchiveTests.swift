import Foundation
import QSnapCore
import Testing

@testable import Archive

/// Every unsafe or damaged archive is refused with exit status 3, naming the entry, and nothing is written.
@Suite struct MaliciousArchiveTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let identifier: String
        let mentions: String
        /// Found only when nested segment archives are read in full (the default, deep mode).
        var deepOnly = false
        let build: @Sendable () -> [UInt8]
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "absolute path", identifier: "archive.absolute-path", mentions: "/etc/cron.d/evil") {
            var t = TestTar(); t.file("config.json", "{}"); t.file("/etc/cron.d/evil", "x"); return t.archive()
        },
        Case(name: "dot-dot traversal", identifier: "archive.path-traversal", mentions: "0/../../evil") {
            var t = TestTar(); t.file("0/../../evil", "x"); return t.archive()
        },
        Case(name: "symlink escaping", identifier: "archive.link", mentions: "escapes") {
            var t = TestTar(); t.symlink("0/wal/link", to: "../../../../etc/passwd"); return t.archive()
        },
        Case(name: "symlink inside", identifier: "archive.link", mentions: "0/segments/l") {
            var t = TestTar(); t.symlink("0/segments/l", to: "x.tar"); return t.archive()
        },
        Case(name: "hardlink", identifier: "archive.link", mentions: "hard link") {
            var t = TestTar(); t.file("a", "x"); t.hardlink("0/b", to: "/etc/shadow"); return t.archive()
        },
        Case(name: "character device", identifier: "archive.special-file", mentions: "dev/null") {
            var t = TestTar(); t.special("dev/null", .char); return t.archive()
        },
        Case(name: "block device", identifier: "archive.special-file", mentions: "sda") {
            var t = TestTar(); t.special("sda", .block); return t.archive()
        },
        Case(name: "fifo", identifier: "archive.special-file", mentions: "0/wal/pipe") {
            var t = TestTar(); t.special("0/wal/pipe", .fifo); return t.archive()
        },
        Case(name: "duplicate entry", identifier: "archive.duplicate-entry", mentions: "config.json") {
            var t = TestTar(); t.file("config.json", "{}"); t.file("./config.json", "{}"); return t.archive()
        },
        Case(name: "truncated in the data", identifier: "archive.corrupt", mentions: "truncated") {
            var t = TestTar(); t.lyingFile("0/wal/open-1", declared: 1 << 20, actual: 700); return t.bytes
        },
        Case(name: "huge declared size", identifier: "archive.corrupt", mentions: "truncated") {
            var t = TestTar(); t.lyingFile("0/wal/open-1", declared: 0o77777777777, actual: 512); return t.bytes
        },
        Case(name: "missing end marker", identifier: "archive.truncated", mentions: "end-of-archive") {
            var t = TestTar(); t.file("replica_state.json", #"{"is_local":true}"#); return t.bytes
        },
        Case(name: "not a tar", identifier: "archive.not-tar", mentions: "not a readable tar") {
            Array("this is a text file, not a snapshot\n".utf8) + [UInt8](repeating: 0x7a, count: 2000)
        },
        Case(name: "empty input", identifier: "archive.not-tar", mentions: "not a readable tar") { [] },
        Case(name: "tar but not Qdrant", identifier: "archive.not-qdrant", mentions: "not a Qdrant snapshot") {
            var t = TestTar(); t.file("README", "hello"); return t.archive()
        },
        Case(
            name: "traversal inside a nested segment tar", identifier: "archive.path-traversal",
            mentions: "!0/segments/", deepOnly: true
        ) {
            SyntheticSnapshots.clusterCollection(
                segment: SyntheticSnapshots.segmentTar { $0.file("snapshot/files/../../../../x", "x") })
        },
        Case(
            name: "symlink inside a nested segment tar", identifier: "archive.link", mentions: "snapshot/files/evil",
            deepOnly: true
        ) {
            SyntheticSnapshots.clusterCollection(
                segment: SyntheticSnapshots.segmentTar { $0.symlink("snapshot/files/evil", to: "/root") })
        },
        Case(name: "overlong name", identifier: "archive.overlong-name", mentions: "byte") {
            var t = TestTar(); t.file("0/" + String(repeating: "a", count: 300), "x"); return t.archive()
        },
        Case(name: "invalid UTF-8 name", identifier: "archive.invalid-name", mentions: "not valid UTF-8") {
            var t = TestTar(); t.file(rawName: Array("0/wal/".utf8) + [0xff, 0xfe, 0x41], Array("x".utf8));
            return t.archive()
        },
        Case(name: "damaged metadata", identifier: "archive.bad-metadata", mentions: "config.json") {
            var t = TestTar(); t.file("0/replica_state.json", "{}"); t.file("config.json", "{not json");
            return t.archive()
        },
    ]

    @Test(arguments: cases)
    func refused(_ c: Case) throws {
        let dir = try ScratchDirectory()
        let path = try dir.write("case.snapshot", c.build())
        for deep in c.deepOnly ? [true] : [true, false] {
            let error = try #require(throws: ArchiveError.self) {
                try SnapshotInspector.inspect(path: path, options: InspectOptions(deep: deep))
            }
            #expect(error.code.identifier == c.identifier, "\(error)")
            #expect(error.message.contains(c.mentions), "\(error.message)")
        }
        #expect(dir.allFiles() == ["case.snapshot"])
    }

    @Test func gzipOfTruncatedTarIsRefused() throws {
        let dir = try ScratchDirectory()
        var t = TestTar()
        t.file("0/wal/open-1", [UInt8](repeating: 1, count: 100_000))
        let plain = try dir.write("t.snapshot", Array(t.archive().prefix(50_000)))
        let gz = Process()
        gz.executableURL = URL(fileURLWithPath: "/bin/sh")
        gz.arguments = ["-c", "gzip -c \"$0\" > \"$0.gz\"", plain]
        try gz.run()
        gz.waitUntilExit()
        let error = try #require(throws: ArchiveError.self) { try SnapshotInspector.inspect(path: plain + ".gz") }
        #expect([.truncated, .corrupt].contains(error.code), "\(error)")
    }

    @Test func linkEscapeLogic() {
        #expect(EntrySafety.linkEscapes(from: "a/b/link", target: "../../../x", hard: false))
        #expect(!EntrySafety.linkEscapes(from: "a/b/link", target: "../../x", hard: false))
        #expect(!EntrySafety.linkEscapes(from: "a/b/link", target: "../x", hard: false))
        #expect(EntrySafety.linkEscapes(from: "a", target: "/etc/passwd", hard: false))
        #expect(EntrySafety.linkEscapes(from: "a/b", target: "../x", hard: true))
        #expect(!EntrySafety.linkEscapes(from: "a/b", target: "a/x", hard: true))
    }
}
