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
        #expect(BackupManifest.PointSample(point: try Self.point("9007199254740991")) != nil)  // 2^53 − 1: exact
        // u64 ids from 2^53 on cannot be retrieved exactly through a Double: not sampled.
        #expect(BackupManifest.PointSample(point: try Self.point("9007199254740993")) == nil)
        #expect(BackupManifest.PointSample(point: try Self.point("18446744073709551615")) == nil)
        #expect(BackupManifest.PointSample(point: .object(["payload": .null])) == nil)
    }
}
