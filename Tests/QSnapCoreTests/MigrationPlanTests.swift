import Testing

@testable import QSnapCore

@Suite struct MigrationPlanTests {
    static let named = try! JSONValue.parse(
        Array(
            #"""
            {"params": {"vectors": {"dense": {"size": 8, "distance": "Cosine"}}, "sparse_vectors": {"text": {}},
                        "shard_number": 3, "replication_factor": 2, "on_disk_payload": true},
             "hnsw_config": {"m": 32, "ef_construct": 100}, "optimizer_config": {"indexing_threshold": 10000},
             "quantization_config": {"scalar": {"type": "int8"}}, "metadata": {"qsnap_restore": {"base": "x"}}}
            """#.utf8))
    static let unnamed = try! JSONValue.parse(
        Array(#"{"params": {"vectors": {"size": 4, "distance": "Dot"}, "shard_number": 1}}"#.utf8))

    @Test func overridesAndBulkLoadSettings() throws {
        let plan = try MigrationPlan(
            sourceConfig: Self.named,
            options: .init(
                collection: "docs", target: "docs2", shards: 6, replicationFactor: 1, onDisk: true,
                dropQuantization: true))
        let body = plan.createBody
        #expect(body["shard_number"] == .integer(6))
        #expect(body["replication_factor"] == .integer(1))
        #expect(body["hnsw_config"]?["m"] == .integer(0))  // held back for the load
        #expect(plan.hnswM == 32)  // restored after
        #expect(body["hnsw_config"]?["ef_construct"] == .integer(100))
        #expect(body["vectors"]?["dense"]?["on_disk"] == .bool(true))
        #expect(body["quantization_config"] == nil)
        #expect(body["sparse_vectors"]?["text"] != nil)
        #expect(body["metadata"] == nil)  // never copies qsnap's own markers
        #expect(body["optimizers_config"]?["indexing_threshold"] == .integer(10000))
    }

    @Test func unnamedVectorRenamedAndVectorsAdded() throws {
        let plan = try MigrationPlan(
            sourceConfig: Self.unnamed,
            options: .init(
                collection: "docs", target: "v2",
                additions: [
                    try VectorAddition(parsing: "new:6:cosine"),
                    try VectorAddition(parsing: "bm25:sparse"),
                ],
                renames: ["": "old"]))
        #expect(plan.createBody["vectors"]?["old"]?["size"] == .integer(4))
        #expect(plan.createBody["vectors"]?["new"]?["distance"] == .string("Cosine"))
        #expect(plan.createBody["sparse_vectors"]?["bm25"] == .object([:]))
        let point = try JSONValue.parse(Array(#"{"id": 7, "vector": [1, 2, 3, 4], "payload": {"a": 1}}"#.utf8))
        let rewritten = plan.rewrite(point)
        #expect(rewritten["vector"] == .object(["old": .array([.integer(1), .integer(2), .integer(3), .integer(4)])]))
        #expect(rewritten["payload"]?["a"] == .integer(1))
        #expect(rewritten["id"] == .integer(7))
    }

    @Test func vectorChangesThatDoNotFitAreUsageErrors() {
        #expect(throws: QSnapError.self) {  // unnamed vector left unnamed beside an added one
            try MigrationPlan(
                sourceConfig: Self.unnamed,
                options: .init(collection: "c", additions: [try VectorAddition(parsing: "n:2:Dot")]))
        }
        #expect(throws: QSnapError.self) {  // rename of a missing vector
            try MigrationPlan(sourceConfig: Self.named, options: .init(collection: "c", renames: ["nope": "x"]))
        }
        #expect(throws: QSnapError.self) {  // an added name already taken
            try MigrationPlan(
                sourceConfig: Self.named,
                options: .init(collection: "c", additions: [try VectorAddition(parsing: "text:sparse")]))
        }
    }

    @Test func fingerprintFollowsWhatDefinesTheMigration() throws {
        let a = try MigrationPlan(sourceConfig: Self.named, options: .init(collection: "docs"))
        let b = try MigrationPlan(sourceConfig: Self.named, options: .init(collection: "docs"))
        let filtered = try MigrationPlan(
            sourceConfig: Self.named,
            options: .init(
                collection: "docs", filter: .object(["must": .array([])])))
        let resharded = try MigrationPlan(sourceConfig: Self.named, options: .init(collection: "docs", shards: 2))
        #expect(a.fingerprint == b.fingerprint)
        #expect(a.fingerprint != filtered.fingerprint)
        #expect(a.fingerprint != resharded.fingerprint)
    }

    @Test func vectorAdditionParsing() throws {
        let dense = try VectorAddition(parsing: "text-v2:768:euclid")
        #expect(dense.size == 768 && dense.distance == "Euclid" && !dense.isSparse)
        #expect(dense.schemaBody["dense"]?["size"] == .integer(768))
        #expect(try VectorAddition(parsing: "b:SPARSE").isSparse)
        for bad in ["", ":8:Dot", "x:0:Dot", "x:8", "x:8:Hamming", "x:big:Dot"] {
            #expect(throws: QSnapError.self) { try VectorAddition(parsing: bad) }
        }
    }

    @Test func idRangesFollowQdrantsOrder() {
        let ids: [JSONValue] =
            (0..<100).map { .integer(Int64($0 * 10)) }
            + [.string("00000000-0000-0000-0000-000000000001"), .unsigned(UInt64.max)]
        let bounds = PointIdOrder.boundaries(sample: ids.shuffled(), count: 4)
        #expect(bounds.count == 3)
        let keys = bounds.compactMap(PointIdOrder.key)
        #expect(keys == keys.sorted())
        #expect(PointIdOrder.key(.unsigned(.max))! < PointIdOrder.key(.string("00000000-0000-0000-0000-000000000001"))!)
        #expect(PointIdOrder.boundaries(sample: [.integer(1)], count: 4).isEmpty)
        #expect(PointIdOrder.boundaries(sample: Array(repeating: .integer(5), count: 40), count: 4).count == 1)
    }
}
