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
}
