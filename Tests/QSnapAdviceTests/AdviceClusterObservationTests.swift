import QSnapCore
import Testing

@testable import QSnapAdvice

/// Live cluster observations map to facts; flags win.
@Suite struct AdviceClusterObservationTests {
    static let named = JSONValue.object([
        "params": .object([
            "vectors": .object([
                "dense": .object(["size": .number(768), "distance": .string("Cosine")]),
                "colbert": .object([
                    "size": .number(128), "distance": .string("Cosine"),
                    "multivector_config": .object(["comparator": .string("max_sim")]),
                ]),
            ])
        ])
    ])
    static let unnamed = JSONValue.object([
        "params": .object(["vectors": .object(["size": .number(768), "distance": .string("Dot")])])
    ])

    @Test func sourceAndTargetMapToFacts() throws {
        var facts = AdviceFacts()
        try facts.set("target_shards", parsing: "8")
        let source = AdviceClusterObservation(
            url: "http://old:6333", version: QdrantVersion("1.18.2")!, nodes: 3, shardCount: 6,
            collectionConfig: Self.named,
            diskTotalBytes: 1000, diskUsagePercent: 40, ramBytes: 64)
        let target = AdviceClusterObservation(
            url: "https://abc.eu-central-1-0.aws.cloud.qdrant.io:6333", version: QdrantVersion("1.19.0")!, nodes: 3,
            shardCount: 4, diskTotalBytes: 2000, diskUsagePercent: 25, ramBytes: 128)
        try source.apply(as: .source, to: &facts)
        try target.apply(as: .target, to: &facts)
        #expect(facts["source"] == .text("qdrant"))
        #expect(facts["source_version"] == .version(QdrantVersion("1.18.2")!))
        #expect(facts["target_version"] == .version(QdrantVersion("1.19.0")!))
        #expect(facts["source_shards"] == .number(6))
        #expect(facts["target_shards"] == .number(8), "the flag wins over the live value")
        #expect(facts["source_nodes"] == .number(3))
        #expect(facts["data_size"] == .number(400))
        #expect(facts["free_disk"] == .number(1500))
        #expect(facts["ram"] == .number(128))
        #expect(facts["source_ram"] == .number(64))
        #expect(facts["target_env"] == .text("cloud"))
        #expect(facts["source_env"] == nil)
        #expect(facts["named_vectors"] == .bool(true))
        #expect(facts["multivector"] == .bool(true))
        #expect(facts.origins["source_version"] == "live http://old:6333")
        let r = facts.resolved
        #expect(r["disk_headroom"] == .number(3.75))
        #expect(r["shard_count_changes"] == .bool(true))
    }

    @Test func unnamedVectorsAndMissingQuotas() throws {
        let o = AdviceClusterObservation(
            url: "http://q:6333", version: QdrantVersion("1.17.0")!, collectionConfig: Self.unnamed, diskTotalBytes: 10)
        #expect(o.namedVectors == false)
        #expect(o.multivector == false)
        #expect(o.diskFreeBytes == nil, "no usage percent, no free-space estimate")
        var facts = AdviceFacts()
        try o.apply(as: .target, to: &facts)
        #expect(facts["free_disk"] == nil)
        #expect(facts["target_nodes"] == .number(1))
    }
}
