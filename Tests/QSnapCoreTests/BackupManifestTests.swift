import Foundation
import Testing

@testable import QSnapCore

@Suite struct BackupManifestTests {
    static func point(_ id: String) throws -> JSONValue {
        try JSONValue.parse(Array(#"{"id": \#(id), "payload": {"a": 1}, "vector": [0.5, 1.0]}"#.utf8))
    }

    @Test func samplesKeepExactIdsOnly() throws {
        let small = try #require(BackupManifest.PointSample(point: try Self.point("42")))
        #expect(small.id == .number(42))
        #expect(small.payloadSHA256 == Digest.sha256Hex(#"{"a":1}"#))
        #expect(BackupManifest.PointSample(point: try Self.point(#""5c56c793-69f3-4fbf-87e6-c4bf54c28c26""#)) != nil)
        #expect(BackupManifest.PointSample(point: try Self.point("9007199254740991")) != nil)  // 2^53 − 1
        // Any u64 id is held exactly, and written back exactly.
        let above = try #require(BackupManifest.PointSample(point: try Self.point("9007199254740993")))
        #expect(above.id == .integer(9_007_199_254_740_993))
        #expect(above.id != .integer(9_007_199_254_740_992))
        let top = try #require(BackupManifest.PointSample(point: try Self.point("18446744073709551615")))
        #expect(top.id == .unsigned(.max))
        #expect(top.id.description == "18446744073709551615")
        // An id held only as a Double above 2^53 cannot be retrieved exactly: not sampled.
        #expect(BackupManifest.PointSample(point: .object(["id": .number(1e17)])) == nil)
        #expect(BackupManifest.PointSample(point: .object(["payload": .null])) == nil)
    }

    @Test func aServerSideCopyHasNoChecksumUntilVerifiedAndOlderObjectsDecodeUnchanged() throws {
        let copied = BackupManifest.Object(
            key: "backups/b/objects/docs/peer-1/s.snapshot", size: 10, sha256: nil, etag: "e", kind: .collection,
            collection: "docs", shardId: nil, peerId: 1, nodeURL: "http://n1", snapshotName: "s.snapshot", shards: [0],
            copiedFrom: "s3://nodes/snapshots/docs/s.snapshot")
        let encoded = try JSONEncoder().encode(copied)
        let text = String(decoding: encoded, as: UTF8.self)
        #expect(!text.contains("sha256"))
        #expect(text.contains("copiedFrom"))
        #expect(try JSONDecoder().decode(BackupManifest.Object.self, from: encoded) == copied)
        // An object written before server-side copies existed: a SHA-256 and no origin.
        let older =
            #"{"key":"k","size":3,"sha256":"ab","etag":"e","kind":"shard","nodeURL":"u","snapshotName":"n","shards":[1]}"#
        let decoded = try JSONDecoder().decode(BackupManifest.Object.self, from: Data(older.utf8))
        #expect(decoded.sha256 == "ab")
        #expect(decoded.copiedFrom == nil)
    }
}
