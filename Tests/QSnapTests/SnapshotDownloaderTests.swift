import Foundation
import QSnapCore
import Testing

@testable import QSnap

@Suite struct SnapshotDownloaderTests {
    func directory() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("qsnap-dl-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func aDirectoryKeepsTheSnapshotsName() throws {
        let dir = try directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try SnapshotDownloader.destination(output: dir, name: "a.snapshot") == dir + "/a.snapshot")
        #expect(
            try SnapshotDownloader.destination(output: dir + "/b.snapshot", name: "a.snapshot") == dir + "/b.snapshot")
    }

    @Test func aRelativeFileNameLandsInTheWorkingDirectory() throws {
        let name = "qsnap-dl-\(UUID().uuidString).snapshot"
        #expect(try SnapshotDownloader.destination(output: name, name: "a.snapshot") == "./" + name)
    }

    @Test func existingFilesAndMissingDirectoriesAreUsageErrors() throws {
        let dir = try directory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(FileManager.default.createFile(atPath: dir + "/a.snapshot", contents: Data([1])))
        let exists = try #require(throws: QSnapError.self) {
            try SnapshotDownloader.destination(output: dir, name: "a.snapshot")
        }
        #expect(exists.code == .snapshotOutput)
        let missing = try #require(throws: QSnapError.self) {
            try SnapshotDownloader.destination(output: dir + "/no/such/x.snapshot", name: "a.snapshot")
        }
        #expect(missing.code == .snapshotOutput)
        #expect(throws: QSnapError.self) { try SnapshotDownloader.destination(output: "", name: "a.snapshot") }
    }
}
