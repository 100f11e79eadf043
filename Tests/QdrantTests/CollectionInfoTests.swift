import QSnapCore
import Testing

@testable import Qdrant

@Suite struct CollectionInfoTests {
    @Test func decodesStatusCountsAndVerbatimConfig() throws {
        let info = try QdrantFixtures.result(CollectionInfo.self, QdrantFixtures.collectionInfo)
        #expect(info.status == "green")
        #expect(info.optimizerStatus == .ok)
        #expect(info.pointsCount == 1200)
        #expect(info.segmentsCount == 2)
        #expect(info.config["params"]?["vectors"]?["size"] == .number(4))
        #expect(info.config["quantization_config"] == .null)
        #expect(info.payloadSchema["city"]?["data_type"] == .string("keyword"))
    }

    @Test func decodesOptimizerErrorsAndNullCounts() throws {
        let info = try QdrantFixtures.result(CollectionInfo.self, QdrantFixtures.collectionInfoOptimizerError)
        #expect(info.status == "red")
        #expect(info.optimizerStatus == .error("Service internal error: No space left on device"))
        #expect(info.pointsCount == nil)
        #expect(info.payloadSchema == .object([:]))
    }

    @Test func collectionListIsDecoded() throws {
        struct Item: Decodable { var name: String }
        struct List: Decodable { var collections: [Item] }
        let list = try QdrantFixtures.result(List.self, QdrantFixtures.collections)
        #expect(list.collections.map(\.name) == ["medium-title", "arxiv-title"])
    }
}
