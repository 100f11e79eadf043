import Testing

@testable import QSnapCore

@Suite struct MemoryGateTests {
    func config(_ json: String) -> JSONValue { try! JSONValue.parse(Array(json.utf8)) }

    @Test(arguments: [
        // unnamed float32 vector: 10 points × 8 × 4
        (#"{"params":{"vectors":{"size":8,"distance":"Cosine"}}}"#, 10, Int64(320)),
        // named: dense float16 (2 B) + on-disk vector (0) → 10 × 8 × 2
        (
            #"{"params":{"vectors":{"a":{"size":8,"datatype":"float16"},"b":{"size":100,"on_disk":true}}}}"#, 10,
            Int64(160)
        ),
        // uint8
        (#"{"params":{"vectors":{"size":8,"datatype":"uint8"}}}"#, 10, Int64(80)),
        // scalar int8 quantization adds size bytes, even with vectors on disk
        (
            #"{"params":{"vectors":{"size":8,"on_disk":true}},"quantization_config":{"scalar":{"type":"int8"}}}"#, 10,
            Int64(80)
        ),
        // binary: ceil(size/8)
        (#"{"params":{"vectors":{"size":9}},"quantization_config":{"binary":{}}}"#, 1, Int64(36 + 2)),
        // product x16: size*4/16, per-vector config wins over the collection's
        (
            #"{"params":{"vectors":{"v":{"size":64,"quantization_config":{"product":{"compression":"x16"}}}}},"quantization_config":{"scalar":{}}}"#,
            1, Int64(256 + 16)
        ),
        // no dense vectors (sparse only)
        (#"{"params":{"vectors":{},"sparse_vectors":{"s":{}}}}"#, 1000, Int64(0)),
    ])
    func footprint(json: String, points: Int, bytes: Int64) {
        #expect(MemoryFootprint.bytes(config: config(json), points: points) == bytes)
    }

    @Test func replicasMultiplyAndNodesAdd() {
        let c = [MemoryGate.Collection(name: "docs", footprintBytes: 1000, replicas: 2)]
        #expect(MemoryGate.evaluate(collections: c, nodeRAM: [1000, 1000]).passed)
        let r = MemoryGate.evaluate(collections: c, nodeRAM: [1999])
        #expect(!r.passed)
        #expect(r.figures["needBytes"] == "2000" && r.figures["ramBytes"] == "1999")
    }

    @Test func unknownRAMFails() {
        let r = MemoryGate.evaluate(
            collections: [.init(name: "c", footprintBytes: 1, replicas: 1)], nodeRAM: [100, nil])
        #expect(!r.passed)
        #expect(r.detail.contains("--force-ram"))
    }
}
