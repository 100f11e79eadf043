import Testing

@testable import QSnapCore

@Suite struct TopologyGateTests {
    static func config(shards: Int, size: Int = 32) -> JSONValue {
        .object([
            "params": .object([
                "shard_number": .number(Double(shards)),
                "vectors": .object(["dense": .object(["size": .number(Double(size)), "distance": .string("Cosine")])]),
            ])
        ])
    }

    static let docs = BackupManifest.Collection(
        name: "docs", config: config(shards: 3), payloadSchema: .object([:]),
        pointsCount: 900, status: "green", placement: [])

    func input(
        kind: BackupKind = .collection, objectShards: [[Int]] = [[0, 1], [1, 2], [0, 2]], nodes: Int = 3,
        collections: Set<String> = [], aliases: [String: String] = [:], replaced: JSONValue? = nil,
        replacedName: String? = nil
    ) -> TopologyGate.Input {
        TopologyGate.Input(
            collection: Self.docs, kind: kind, objectShards: objectShards,
            stagingName: "docs-qsnap-20261121T101500Z-ab12cd", aliases: ["docs", "prod"],
            targetNodes: nodes, targetCollections: collections, targetAliases: aliases,
            replacedConfig: replaced, replacedName: replacedName)
    }

    @Test func freshTargetPasses() {
        let r = TopologyGate.evaluate(input())
        #expect(r.passed)
        #expect(r.figures["requiredNodes"] == "3" && r.figures["shardNumber"] == "3")
    }

    @Test(arguments: [
        (BackupKind.collection, [[0, 1], [1, 2], [0, 2]], 3),  // spread over three node snapshots
        (BackupKind.collection, [[0, 1, 2], [0, 1, 2]], 1),  // every node held every shard
        (BackupKind.collection, [[0], [1], []], 2),  // a node without data does not count
        (BackupKind.shard, [[0], [1], [2]], 1),
    ])
    func requiredNodes(kind: BackupKind, objectShards: [[Int]], required: Int) {
        #expect(TopologyGate.requiredNodes(kind: kind, shardCount: 3, objectShards: objectShards) == required)
    }

    @Test func tooFewNodesFail() {
        let r = TopologyGate.evaluate(input(nodes: 2))
        #expect(!r.passed)
        #expect(r.detail.contains("3 node snapshots") && r.detail.contains("--kind shard"))
    }

    @Test func shardCountMismatchWithTheReplacedCollectionFails() {
        let r = TopologyGate.evaluate(
            input(aliases: ["docs": "docs-v1"], replaced: Self.config(shards: 1), replacedName: "docs-v1"))
        #expect(!r.passed)
        #expect(r.figures["replacedShardNumber"] == "1")
        #expect(r.detail.contains("shard_number 1") && r.detail.contains("--as"))
    }

    @Test func vectorMismatchFails() {
        let r = TopologyGate.evaluate(input(replaced: Self.config(shards: 3, size: 64), replacedName: "docs-v1"))
        #expect(!r.passed)
        #expect(r.detail.contains("different vectors"))
    }

    @Test func identicalReplacedCollectionPasses() {
        #expect(TopologyGate.evaluate(input(replaced: Self.config(shards: 3), replacedName: "docs-v1")).passed)
    }

    @Test func aliasNamedLikeACollectionFails() {
        let r = TopologyGate.evaluate(input(collections: ["prod"]))
        #expect(!r.passed)
        #expect(r.detail.contains("a collection named prod exists"))
    }

    @Test func stagingInUseFailsButAStaleOneIsReported() {
        let staging = "docs-qsnap-20261121T101500Z-ab12cd"
        let inUse = TopologyGate.evaluate(input(collections: [staging], aliases: ["docs": staging]))
        #expect(!inUse.passed && inUse.detail.contains("already restored"))
        let stale = TopologyGate.evaluate(input(collections: [staging]))
        #expect(stale.passed && stale.figures["staleStaging"] == staging)
    }
}
