import QSnapCore
import Testing

@Suite struct NodeSnapshotStoreTests {
    @Test func keysFollowQdrantsLayoutUnderTheDefaultPrefix() {
        let store = NodeSnapshotStore()
        #expect(
            store.key(for: .collection(name: "docs", peer: 7), snapshotName: "docs-7-2026.snapshot")
                == "snapshots/docs/docs-7-2026.snapshot")
        #expect(
            store.key(for: .shard(collection: "docs", shard: 3), snapshotName: "s.snapshot")
                == "snapshots/docs/shards/3/s.snapshot")
        #expect(
            store.key(for: .full(peer: 1), snapshotName: "full-snapshot-2026.snapshot")
                == "snapshots/full-snapshot-2026.snapshot")
    }

    @Test func snapshotsPathsBecomeKeyPrefixesTheWayQdrantStripsThem() {
        #expect(NodeSnapshotStore(prefix: "./snapshots/").prefix == "snapshots")
        #expect(NodeSnapshotStore(prefix: "/qdrant/snapshots").prefix == "qdrant/snapshots")
        #expect(NodeSnapshotStore(prefix: "./").prefix == "")
        #expect(NodeSnapshotStore(prefix: ".").key(for: .full(peer: 0), snapshotName: "f.snapshot") == "f.snapshot")
    }
}

@Suite struct SnapshotOwnershipTests {
    @Test func onlyTheMakersCollectionSnapshotsBelongToAPeer() {
        let name = "my-docs-1076953749110342-2026-12-06-03-12-07.snapshot"
        #expect(SnapshotName.canBelong(name, toPeer: 1_076_953_749_110_342))
        #expect(!SnapshotName.canBelong(name, toPeer: 3_106_369_923_678_222))
        // Unknown peer, shard, full and unparsable names are never excluded.
        #expect(SnapshotName.canBelong(name, toPeer: 0))
        #expect(SnapshotName.canBelong("docs-shard-2-2026-12-06-03-12-07.snapshot", toPeer: 5))
        #expect(SnapshotName.canBelong("full-snapshot-2026-12-06-03-12-07.snapshot", toPeer: 5))
        #expect(SnapshotName.canBelong("uploaded.snapshot", toPeer: 5))
    }
}
