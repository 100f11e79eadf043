import QSnapCore

@testable import Qdrant

/// Response bodies shaped like Qdrant 1.19's (from its OpenAPI examples and the server code paths described in
/// the project's Qdrant API notes).
enum QdrantFixtures {
    static let versionInfo = #"""
        {"title":"qdrant - vector search engine","version":"1.19.0","commit":"74f3e85b94a1c4e2d0d0c2f1b3e4a5b6c7d8e9f0"}
        """#

    static let collections = #"""
        {"result":{"collections":[{"name":"medium-title"},{"name":"arxiv-title"}]},"status":"ok","time":0.000012}
        """#

    static let collectionInfo = #"""
        {"result":{"status":"green","optimizer_status":"ok","indexed_vectors_count":0,"points_count":1200,
         "segments_count":2,"config":{"params":{"vectors":{"size":4,"distance":"Cosine"},"shard_number":1,
         "replication_factor":1,"write_consistency_factor":1,"on_disk_payload":true},"hnsw_config":{"m":16,
         "ef_construct":100,"full_scan_threshold":10000,"max_indexing_threads":0,"on_disk":false},
         "optimizer_config":{"deleted_threshold":0.2,"vacuum_min_vector_number":1000,"default_segment_number":0,
         "flush_interval_sec":5},"wal_config":{"wal_capacity_mb":32,"wal_segments_ahead":0},
         "quantization_config":null,"strict_mode_config":{"enabled":false}},
         "payload_schema":{"city":{"data_type":"keyword","points":1200}}},"status":"ok","time":0.0004}
        """#

    static let collectionInfoOptimizerError = #"""
        {"result":{"status":"red","optimizer_status":{"error":"Service internal error: No space left on device"},
         "points_count":null,"segments_count":0,"config":{"params":{}},"payload_schema":{}},"status":"ok","time":0.1}
        """#

    static let clusterDisabled = #"{"result":{"status":"disabled"},"status":"ok","time":5e-6}"#

    static let clusterEnabled = #"""
        {"result":{"status":"enabled","peer_id":7906894357956606,
         "peers":{"7906894357956606":{"uri":"http://qdrant-0:6335/"},"18446744073709551000":{"uri":"http://qdrant-1:6335/"}},
         "raft_info":{"term":3,"commit":42,"pending_operations":0,"leader":7906894357956606,"role":"Leader","is_voter":true},
         "consensus_thread_status":{"consensus_thread_status":"working","last_update":"2026-11-21T20:00:00.123Z"},
         "message_send_failures":{}},"status":"ok","time":0.00002}
        """#

    static let collectionCluster = #"""
        {"result":{"peer_id":7906894357956606,"shard_count":3,
         "local_shards":[{"shard_id":0,"points_count":400,"state":"Active"},
                         {"shard_id":2,"shard_key":"region_1","points_count":390,"state":"Partial"}],
         "remote_shards":[{"shard_id":1,"peer_id":18446744073709551000,"state":"Active"}],
         "shard_transfers":[{"shard_id":2,"from":18446744073709551000,"to":7906894357956606,"sync":true,
                             "method":"stream_records"}]},"status":"ok","time":0.0001}
        """#

    static let aliases = #"""
        {"result":{"aliases":[{"alias_name":"prod","collection_name":"prod_v2"},
                              {"alias_name":"blogs-title","collection_name":"arivx-title"}]},"status":"ok","time":1e-5}
        """#

    static let telemetryLevel2 = #"""
        {"result":{"id":"473b386c-383a-4259-bbb1-1e54cf57c6de","app":{"name":"qdrant","version":"1.19.0",
         "startup":"2026-11-21T20:04:17.829723Z","system":{"distribution":"debian","distribution_version":"12",
         "is_docker":false,"cores":2,"ram_size":24684084,"disk_size":264212084,"cpu_flags":"sse,avx2",
         "cpu_endian":"little"}},"collections":{"number_of_collections":2,"collections":[],
         "snapshots":[{"id":"busy","running_snapshots":1,"running_snapshot_recovery":0,"total_snapshot_creations":4},
                      {"id":"idle"}]},
         "cluster":{"enabled":false},"quota":{"config":{"enabled":false},"exceeded":{"resident_memory":null,
         "disk_usage":null}}},"status":"ok","time":0.0002}
        """#

    static let telemetryLevel0 = #"""
        {"result":{"id":"x","app":{"name":"qdrant","version":"1.17.1","startup":"2026-11-21T20:04:17Z"},
         "collections":{"number_of_collections":0}},"status":"ok","time":0.0001}
        """#

    static let quotasDistributed = #"""
        {"result":{"config":{"enabled":true,"max_disk_usage_percent":90,"max_resident_memory_percent":85,
         "release_margin_percent":5},"usage":{"resident_memory_percent":41,"disk_usage_percent":63},
         "peers":{"7906894357956606":{"exceeded":false,"resident_memory_percent":41,"disk_usage_percent":63},
                  "18446744073709551000":{"exceeded":true,"resident_memory_percent":null,"disk_usage_percent":91}}},
         "status":"ok","time":0.00003}
        """#

    static let quotasStandalone = #"""
        {"result":{"config":{"enabled":false},"usage":{"resident_memory_percent":null,"disk_usage_percent":6}},
         "status":"ok","time":8.8e-05}
        """#

    static let snapshotCreated = #"""
        {"result":{"name":"my-collection-3766212330831337-2024-07-22-08-31-55.snapshot",
         "creation_time":"2024-07-22T08:31:55","size":1000000,
         "checksum":"a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6c7d8e9f0a1b2"},"status":"ok","time":0.5}
        """#

    /// Directory order, a `null` creation time (no btime) and a missing checksum (no sidecar / S3 storage).
    static let snapshotList = #"""
        {"result":[{"name":"c-1-2024-07-22-08-31-55.snapshot","creation_time":"2024-07-22T08:31:56","size":10240},
                   {"name":"b-upload.snapshot","creation_time":null,"size":20480,
                    "checksum":"0000000000000000000000000000000000000000000000000000000000000000"},
                   {"name":"a-1-2024-07-21-00-00-00.snapshot","creation_time":"2024-07-21T00:00:00.250","size":1}],
         "status":"ok","time":0.0001}
        """#

    static let accepted = #"{"status":"accepted","time":0.0001}"#
    static let nullResult = #"{"result":null,"status":"ok","time":0.02}"#
    static let trueResult = #"{"result":true,"status":"ok","time":0.02}"#

    static let notFoundEnvelope = #"""
        {"status":{"error":"Not found: Collection `x` doesn't exist!"},"time":0.0}
        """#
    static let conflictEnvelope = #"""
        {"status":{"error":"Wrong input: Collection `prod` already exists!"},"time":0.0}
        """#
    static let validationEnvelope = #"""
        {"status":{"error":"Validation error in JSON body: [checksum: invalid_sha256_hash]"},"time":0.0}
        """#
    static let alreadyInProgress = #"{"status":"already_in_progress","time":0.0}"#
    static let plainNotFound = "Not found: Snapshot ../etc/passwd not found"
    static let plainUnauthorized = "Must provide an API key or an Authorization bearer token"
    static let plainForbidden = "Forbidden: Global manage access is required"
}

extension QdrantFixtures {
    /// Decodes the `result` of a 200 envelope the way the client does.
    static func result<T: Decodable>(_ type: T.Type, _ body: String) throws -> T {
        try QdrantEnvelope.require(
            type, status: 200, body: Array(body.utf8), method: "GET", path: "/test",
            redactor: Redactor())
    }
}
