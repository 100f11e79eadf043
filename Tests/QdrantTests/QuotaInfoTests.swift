import Testing

@testable import Qdrant

@Suite struct QuotaInfoTests {
    @Test func distributedQuotasHavePeers() throws {
        let q = try QdrantFixtures.result(QuotaInfo.self, QdrantFixtures.quotasDistributed)
        #expect(q.enabled)
        #expect(q.maxDiskUsagePercent == 90 && q.maxResidentMemoryPercent == 85)
        #expect(q.diskUsagePercent == 63 && q.residentMemoryPercent == 41)
        #expect(q.peers.count == 2)
        let other = try #require(q.peers[18_446_744_073_709_551_000])
        #expect(other.exceeded && other.diskUsagePercent == 91 && other.residentMemoryPercent == nil)
        #expect(q.peers[7_906_894_357_956_606]?.exceeded == false)
    }

    @Test func standaloneQuotasHaveNoPeers() throws {
        let q = try QdrantFixtures.result(QuotaInfo.self, QdrantFixtures.quotasStandalone)
        #expect(!q.enabled)
        #expect(q.diskUsagePercent == 6)
        #expect(q.residentMemoryPercent == nil)
        #expect(q.peers.isEmpty)
    }
}
