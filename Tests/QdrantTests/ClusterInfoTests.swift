import Testing

@testable import Qdrant

@Suite struct ClusterInfoTests {
    @Test func standaloneIsDisabled() throws {
        let info = try QdrantFixtures.result(ClusterInfo.self, QdrantFixtures.clusterDisabled)
        #expect(!info.enabled)
        #expect(info.peerId == nil)
        #expect(info.peers.isEmpty)
    }

    @Test func clusterPeersKeepFullUInt64Ids() throws {
        let info = try QdrantFixtures.result(ClusterInfo.self, QdrantFixtures.clusterEnabled)
        #expect(info.enabled)
        #expect(info.peerId == 7_906_894_357_956_606)
        #expect(
            info.peers == [
                7_906_894_357_956_606: "http://qdrant-0:6335/", 18_446_744_073_709_551_000: "http://qdrant-1:6335/",
            ])
        #expect(info.leader == 7_906_894_357_956_606)
        #expect(info.role == "Leader")
    }

    @Test func nonNumericPeerIdsAreRejected() {
        #expect(throws: (any Error).self) {
            _ = try QdrantFixtures.result(
                ClusterInfo.self,
                #"{"result":{"status":"enabled","peer_id":1,"peers":{"one":{"uri":"u"}}},"status":"ok","time":0}"#)
        }
    }
}
