/// The parts of a collection's `config.json` an operator needs to see, and that restore checks compare.
public struct CollectionConfigSummary: Codable, Sendable, Equatable {
    /// One dense vector field.
    public struct Vector: Codable, Sendable, Equatable {
        /// The vector name; `""` for the unnamed default vector.
        public var name: String
        public var size: Int?
        public var distance: String?
        /// `float32` unless the config says otherwise.
        public var datatype: String
        public var onDisk: Bool?
        /// The multivector comparator (e.g. `max_sim`) when this is a multivector.
        public var multivector: String?
        /// Per-vector quantization, verbatim.
        public var quantization: JSONValue?
    }

    /// One sparse vector field.
    public struct SparseVector: Codable, Sendable, Equatable {
        public var name: String
        public var onDisk: Bool?
        public var modifier: String?
    }

    public var vectors: [Vector]
    public var sparseVectors: [SparseVector]
    public var shardNumber: Int?
    public var replicationFactor: Int?
    public var writeConsistencyFactor: Int?
    public var onDiskPayload: Bool?
    public var shardingMethod: String?
    /// Collection-level quantization, verbatim (`null` when none).
    public var quantization: JSONValue?
    /// HNSW settings, verbatim.
    public var hnsw: JSONValue?
    /// The whole `params` object, verbatim, for exact comparisons.
    public var params: JSONValue?

    /// Summarises a `config.json` document (`CollectionConfigInternal`) or the `config` of `GET /collections/{c}`.
    public init(config: JSONValue) {
        let params = config["params"] ?? .object([:])
        self.params = params
        shardNumber = params["shard_number"]?.intValue
        replicationFactor = params["replication_factor"]?.intValue
        writeConsistencyFactor = params["write_consistency_factor"]?.intValue
        onDiskPayload = params["on_disk_payload"]?.boolValue
        shardingMethod = params["sharding_method"]?.stringValue
        quantization = config["quantization_config"]
        hnsw = config["hnsw_config"]

        var vectors: [Vector] = []
        if let v = params["vectors"] {
            if v["size"] != nil {
                vectors.append(Self.vector(name: "", v))
            } else if let named = v.objectValue {
                for key in named.keys.sorted() { vectors.append(Self.vector(name: key, named[key]!)) }
            }
        }
        self.vectors = vectors

        var sparse: [SparseVector] = []
        if let named = params["sparse_vectors"]?.objectValue {
            for key in named.keys.sorted() {
                let s = named[key]!
                sparse.append(
                    SparseVector(
                        name: key, onDisk: s["index"]?["on_disk"]?.boolValue, modifier: s["modifier"]?.stringValue))
            }
        }
        sparseVectors = sparse
    }

    private static func vector(name: String, _ v: JSONValue) -> Vector {
        Vector(
            name: name, size: v["size"]?.intValue, distance: v["distance"]?.stringValue,
            datatype: v["datatype"]?.stringValue ?? "float32", onDisk: v["on_disk"]?.boolValue,
            multivector: v["multivector_config"]?["comparator"]?.stringValue,
            quantization: v["quantization_config"].flatMap { $0.isNull ? nil : $0 })
    }
}
