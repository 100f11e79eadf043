import QSnapCore
import Testing

@testable import Qdrant

@Suite struct CollectionClusterInfoTests {
    @Test func decodesShardPlacement() throws {
        let info = try QdrantFixtures.result(CollectionClusterInfo.self, QdrantFixtures.collectionCluster)
        #expect(info.peerId == 7_906_894_357_956_606)
        #expect(info.shardCount == 3)
        #expect(info.localShards.map(\.shardId) == [0, 2])
        #expect(info.localShards.map(\.pointsCount) == [400, 390])
        #expect(info.localShards.map(\.state) == ["Active", "Partial"])
        #expect(info.localShards[1].shardKey == .string("region_1"))
        #expect(info.remoteShards.count == 1)
        #expect(info.remoteShards[0].peerId == 18_446_744_073_709_551_000)
        #expect(info.remoteShards[0].shardId == 1)
        #expect(info.shardTransfers == 1)
        #expect(!info.allActive)
    }

    @Test func allActiveWhenEveryReplicaIsActiveAndNothingMoves() throws {
        let body = #"""
            {"result":{"peer_id":1,"shard_count":1,"local_shards":[{"shard_id":0,"points_count":5,"state":"Active"}],
             "remote_shards":[],"shard_transfers":[]},"status":"ok","time":0}
            """#
        let info = try QdrantFixtures.result(CollectionClusterInfo.self, body)
        #expect(info.allActive)
        #expect(info.shardTransfers == 0)
    }
}
