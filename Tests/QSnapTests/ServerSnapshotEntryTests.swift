import Foundation
import Qdrant
import Testing

@testable import QSnap

@Suite struct ServerSnapshotEntryTests {
    let snapshot = SnapshotDescription(
        name: "c-1-2026-01-01-00-00-00.snapshot", creationTime: "2026-01-01T00:00:00",
        size: 42, checksum: "ABCDEF" + String(repeating: "0", count: 58))

    @Test func scopesBecomeKindCollectionAndShard() {
        let full = ServerSnapshotEntry(node: "http://n1:6333", peerId: nil, scope: .full, snapshot: snapshot)
        #expect(full.kind == "full" && full.collection == nil && full.shard == nil)
        let collection = ServerSnapshotEntry(
            node: "http://n1:6333", peerId: 7, scope: .collection("c"), snapshot: snapshot)
        #expect(collection.kind == "collection" && collection.collection == "c" && collection.shard == nil)
        let shard = ServerSnapshotEntry(node: "http://n1:6333", peerId: 7, scope: .shard("c", 2), snapshot: snapshot)
        #expect(shard.kind == "shard" && shard.collection == "c" && shard.shard == 2)
        #expect(shard.checksum == "abcdef" + String(repeating: "0", count: 58))
        #expect(shard.size == 42 && shard.creationTime == "2026-01-01T00:00:00")
    }

    @Test func jsonLeavesOutWhatIsUnknown() throws {
        let entry = ServerSnapshotEntry(
            node: "http://n1:6333", peerId: nil, scope: .full,
            snapshot: SnapshotDescription(name: "full-snapshot-x.snapshot", size: 1))
        let object = try JSONSerialization.jsonObject(with: JSONEncoder().encode(entry)) as! [String: Any]
        #expect(Set(object.keys) == ["node", "kind", "name", "size"])
    }
}
