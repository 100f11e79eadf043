import Testing

@testable import QSnapCore

@Suite struct RestoreCollectionCreateBodyTests {
    @Test func mapsTheRecordedConfigToACreateBody() throws {
        let config = try JSONValue.parse(
            Array(
                #"""
                {"params":{"vectors":{"d":{"size":4,"distance":"Dot"}},"shard_number":3,"replication_factor":2,
                           "write_consistency_factor":1,"on_disk_payload":true,"sharding_method":null},
                 "hnsw_config":{"m":16},"optimizer_config":{"indexing_threshold":1000},"wal_config":{"wal_capacity_mb":32},
                 "quantization_config":null,"strict_mode_config":{"enabled":false}}
                """#.utf8))
        let body = CollectionCreateBody.from(config: config)
        #expect(body["vectors"] == config["params"]?["vectors"])
        #expect(body["shard_number"]?.intValue == 3 && body["replication_factor"]?.intValue == 2)
        #expect(body["optimizers_config"]?["indexing_threshold"]?.intValue == 1000)
        #expect(body["optimizer_config"] == nil)
        #expect(body["hnsw_config"]?["m"]?.intValue == 16)
        #expect(body["sharding_method"] == nil && body["quantization_config"] == nil)
        #expect(body["params"] == nil)
    }
}
