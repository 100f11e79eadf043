import Foundation

/// Collection and shard snapshots laid out as Qdrant writes them (qdrant-api.md §4), built in memory.
enum SyntheticSnapshots {
    static let peer: UInt64 = 5_093_342_917_452_817

    static func segmentTar(
        files: [String: String] = ["segment.json": #"{"version":42}"#, "version.info": "0.6.0"],
        extra: (inout TestTar) -> Void = { _ in }
    ) -> [UInt8] {
        var seg = TestTar()
        seg.directory("snapshot/")
        for (name, content) in files.sorted(by: { $0.key < $1.key }) { seg.file("snapshot/files/\(name)", content) }
        extra(&seg)
        return seg.archive()
    }

    static let config = #"""
        {"params":{"vectors":{"dense":{"size":384,"distance":"Cosine","on_disk":true},"colbert":{"size":128,"distance":"Dot","datatype":"float16","multivector_config":{"comparator":"max_sim"}}},"shard_number":2,"replication_factor":2,"write_consistency_factor":1,"on_disk_payload":true,"sparse_vectors":{"bm25":{"modifier":"idf"}}},"hnsw_config":{"m":16,"ef_construct":100},"optimizer_config":{},"wal_config":{"wal_capacity_mb":32},"quantization_config":{"scalar":{"type":"int8","always_ram":true}},"uuid":"00000000-0000-0000-0000-000000000001"}
        """#

    /// A cluster node's collection snapshot: shard 0 local with two segments, shard 1 a remote stub.
    static func clusterCollection(segment: [UInt8] = segmentTar(), extraRoot: (inout TestTar) -> Void = { _ in })
        -> [UInt8]
    {
        var t = TestTar()
        t.directory("0/")
        t.directory("0/wal/")
        t.file("0/wal/open-1", [UInt8](repeating: 0, count: 4096))
        t.file("0/segments/1b8c1a5e-0000-4000-8000-000000000001.tar", segment)
        t.file("0/segments/1b8c1a5e-0000-4000-8000-000000000002.tar", segmentTar())
        t.file("0/newest_clocks.json", #"{"clocks":[{"peer_id":\#(peer),"clock_id":0,"current_tick":12,"token":1}]}"#)
        t.file(
            "0/replica_state.json",
            #"{"is_local":true,"this_peer_id":\#(peer),"peers":{"\#(peer)":"Active","77":"Active"}}"#)
        t.file("0/shard_config.json", #"{"type":"ReplicaSet"}"#)
        t.file("1/replica_state.json", #"{"is_local":false,"this_peer_id":\#(peer),"peers":{"77":"Active"}}"#)
        t.file("1/shard_config.json", #"{"type":"ReplicaSet"}"#)
        extraRoot(&t)
        t.file("version.info", "0.4.2")
        t.file("config.json", config)
        t.file("shard_key_mapping.json", "[]")
        t.file("payload_index.json", #"{"schema":{"city":"keyword","price":{"type":"float","is_principal":true}}}"#)
        return t.archive()
    }

    /// A streamed shard snapshot (streamable segment format).
    static func streamedShard() -> [UInt8] {
        var t = TestTar()
        t.directory("wal/")
        t.file("segments/9a6e0c7e-0000-4000-8000-00000000000a/files/segment.json", #"{"version":3}"#)
        t.file(
            "segments/9a6e0c7e-0000-4000-8000-00000000000a/files/vector_storage/vectors.dat",
            [UInt8](repeating: 7, count: 3000))
        t.file("newest_clocks.json", #"{"clocks":[]}"#)
        t.file("oldest_clocks.json", #"{"clocks":[]}"#)
        t.file("replica_state.json", #"{"is_local":true,"this_peer_id":\#(peer),"peers":{"\#(peer)":"Active"}}"#)
        t.file("shard_config.json", #"{"type":"ReplicaSet"}"#)
        return t.archive()
    }
}
