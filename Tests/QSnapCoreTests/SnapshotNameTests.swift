import Foundation
import QSnapCore
import Testing

@Suite struct SnapshotNameTests {
    /// 2024-07-22T08:31:55Z.
    static let july22 = Date(timeIntervalSince1970: 1_721_637_115)

    @Test func parsesCollectionSnapshotWithDashesInTheCollectionName() throws {
        let n = try #require(SnapshotName.parse("my-collection-3766212330831337-2024-07-22-08-31-55.snapshot"))
        #expect(n.kind == .collection)
        #expect(n.collection == "my-collection")
        #expect(n.peerId == 3_766_212_330_831_337)
        #expect(n.shardId == nil)
        #expect(n.creationTime == Self.july22)
    }

    @Test func parsesShardSnapshot() throws {
        let n = try #require(SnapshotName.parse("a-b-c-shard-12-2024-07-22-08-31-55.snapshot"))
        #expect(n.kind == .shard)
        #expect(n.collection == "a-b-c")
        #expect(n.shardId == 12)
        #expect(n.peerId == nil)
        #expect(n.creationTime == Self.july22)
    }

    @Test func parsesFullSnapshot() throws {
        let n = try #require(SnapshotName.parse("full-snapshot-2024-07-22-08-31-55.snapshot"))
        #expect(n.kind == .full)
        #expect(n.collection == nil)
        #expect(n.creationTime == Self.july22)
    }

    @Test func collectionsNamedLikeKeywordsAreReadFromTheRight() throws {
        let full = try #require(SnapshotName.parse("full-snapshot-42-2024-07-22-08-31-55.snapshot"))
        #expect(full.kind == .collection && full.collection == "full-snapshot" && full.peerId == 42)
        let shardColl = try #require(SnapshotName.parse("shard-5-2024-07-22-08-31-55.snapshot"))
        #expect(shardColl.kind == .collection && shardColl.collection == "shard" && shardColl.peerId == 5)
        let shardShard = try #require(SnapshotName.parse("shard-shard-1-2024-07-22-08-31-55.snapshot"))
        #expect(shardShard.kind == .shard && shardShard.collection == "shard" && shardShard.shardId == 1)
    }

    @Test func peerIdsUseTheWholeUInt64Range() throws {
        let n = try #require(SnapshotName.parse("c-18446744073709551615-2024-07-22-08-31-55.snapshot"))
        #expect(n.peerId == UInt64.max)
        #expect(SnapshotName.parse("c-18446744073709551616-2024-07-22-08-31-55.snapshot") == nil)
    }

    @Test(arguments: [
        "my-collection-2024-07-22-08-31-55.snapshot",  // no peer id
        "c-1-2024-07-22-08-31-55.tar",  // wrong extension
        "c-x1-2024-07-22-08-31-55.snapshot",  // peer id not numeric
        "c-1-2024-13-22-08-31-55.snapshot",  // month 13
        "c-1-2023-02-29-08-31-55.snapshot",  // not a leap year
        "c-1-2024-07-22-24-00-00.snapshot",  // hour 24
        "c-1-24-07-22-08-31-55.snapshot",  // two-digit year
        "-1-2024-07-22-08-31-55.snapshot",  // empty collection
        "-shard-1-2024-07-22-08-31-55.snapshot",  // empty collection
        "../c-1-2024-07-22-08-31-55.snapshot",  // not a bare name
        "upload.snapshot",
        "",
    ])
    func rejectsNamesOutsideQdrantsFormat(_ name: String) {
        #expect(SnapshotName.parse(name) == nil)
    }

    @Test func leapDayParses() throws {
        let n = try #require(SnapshotName.parse("c-1-2024-02-29-23-59-59.snapshot"))
        #expect(SnapshotName.timestamp(n.creationTime) == "2024-02-29-23-59-59")
    }

    @Test func timestampRoundTripsAndIsUTC() {
        #expect(SnapshotName.timestamp(Self.july22) == "2024-07-22-08-31-55")
        #expect(SnapshotName.timestamp(Date(timeIntervalSince1970: 0)) == "1970-01-01-00-00-00")
        let name = "c-7-\(SnapshotName.timestamp(Self.july22)).snapshot"
        #expect(SnapshotName.parse(name)?.creationTime == Self.july22)
    }

    /// The traversal list of Qdrant's `validate_snapshot_name` tests plus its OpenAPI tests.
    @Test(arguments: [
        "/snapshots/other-collection/victim.snapshot", "/etc/passwd", "other-collection/victim.snapshot",
        "../other-collection/victim.snapshot", "./victim.snapshot", "..", ".", "", "../../../../etc/passwd",
        "..%2F..%2Fetc%2Fpasswd", "a\\b.snapshot", "%2e%2e", "x\0.snapshot",
    ])
    func refusesTraversingNames(_ name: String) {
        #expect(!SnapshotName.isBareFileName(name))
        #expect {
            try SnapshotName.validate(name)
        } throws: { error in
            (error as? QSnapError)?.code == .qdrantSnapshotName
        }
    }

    @Test(arguments: ["c-1-2024-07-22-08-31-55.snapshot", "uploaded file.snapshot", "...", "50%.snapshot", "a..b"])
    func acceptsBareNames(_ name: String) throws {
        #expect(SnapshotName.isBareFileName(name))
        try SnapshotName.validate(name)
    }
}
