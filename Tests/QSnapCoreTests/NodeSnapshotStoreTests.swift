import QSnapCore
import Testing

@Suite struct NodeSnapshotStoreTests {
    @Test func keysFollowQdrantsLayoutUnderTheDefaultPrefix() {
        let store = NodeSnapshotStore()
        #expect(store.key(for: .collection(name: "docs", peer: 7), snapshotName: "docs-7-2026.snapshot")
            == "snapshots/docs/docs-7-2026.snapshot")
        #expect(store.key(for: .shard(collection: "docs", shard: 3), snapshotName: "s.snapshot")
            == "snapshots/docs/shards/3/s.snapshot")
        #expect(store.key(for: .full(peer: 1), snapshotName: "full-snapshot-2026.snapshot")
            == "snapshots/full-snapshot-2026.snapshot")
    }

    @Test func snapshotsPathsBecomeKeyPrefixesTheWayQdrantStripsThem() {
        #expect(NodeSnapshotStore(prefix: "./snapshots/").prefix == "snapshots")
        #expect(NodeSnapshotStore(prefix: "/qdrant/snapshots").prefix == "qdrant/snapshots")
        #expect(NodeSnapshotStore(prefix: "./").prefix == "")
        #expect(NodeSnapshotStore(prefix: ".").key(for: .full(peer: 0), snapshotName: "f.snapshot") == "f.snapshot")
    }
}
