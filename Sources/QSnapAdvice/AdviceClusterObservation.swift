import QSnapCore

/// What was read from a live Qdrant cluster for `qsnap advise --from/--to`, and how it maps to facts.
///
/// Filled by the fact collector over the REST client; this type is pure so the mapping is tested without I/O.
public struct AdviceClusterObservation: Sendable, Equatable {
    /// Which side of the operation the cluster is.
    public enum Role: String, Sendable {
        /// The cluster read from (`--from`).
        case source
        /// The cluster written to (`--to`).
        case target
    }

    /// The URL, without credentials.
    public var url: String
    /// `GET /` version.
    public var version: QdrantVersion
    /// Peers in the cluster (1 when distributed mode is off).
    public var nodes: Int
    /// `shard_count` of the collection, when it exists on this cluster.
    public var shardCount: Int?
    /// The collection's `config`, when it exists on this cluster.
    public var collectionConfig: JSONValue?
    /// Total disk of the storage filesystem (telemetry), bytes.
    public var diskTotalBytes: Int64?
    /// Disk usage percent (quotas), when the server reports it.
    public var diskUsagePercent: Int?
    /// RAM of the node (telemetry), bytes.
    public var ramBytes: Int64?

    /// Creates an observation.
    public init(
        url: String, version: QdrantVersion, nodes: Int = 1, shardCount: Int? = nil, collectionConfig: JSONValue? = nil,
        diskTotalBytes: Int64? = nil, diskUsagePercent: Int? = nil, ramBytes: Int64? = nil
    ) {
        self.url = url
        self.version = version
        self.nodes = nodes
        self.shardCount = shardCount
        self.collectionConfig = collectionConfig
        self.diskTotalBytes = diskTotalBytes
        self.diskUsagePercent = diskUsagePercent
        self.ramBytes = ramBytes
    }

    /// Bytes used on the storage filesystem (total × usage %), an upper bound of the Qdrant data there.
    public var diskUsedBytes: Double? {
        guard let total = diskTotalBytes, let pct = diskUsagePercent else { return nil }
        return Double(total) * Double(pct) / 100
    }

    /// Bytes free on the storage filesystem (total × (100 − usage %)).
    public var diskFreeBytes: Double? {
        guard let total = diskTotalBytes, let pct = diskUsagePercent else { return nil }
        return Double(total) * Double(100 - pct) / 100
    }

    /// The collection's vector params (`config.params.vectors`).
    private var vectors: JSONValue? { collectionConfig?["params"]?["vectors"] }

    /// True when the collection uses named vectors; `nil` without a collection config.
    public var namedVectors: Bool? {
        guard let v = vectors?.objectValue else { return nil }
        if v["size"] != nil { return false }
        return true
    }

    /// True when any vector of the collection has a `multivector_config`; `nil` without a collection config.
    public var multivector: Bool? {
        guard let v = vectors?.objectValue else { return nil }
        if v["size"] != nil { return v["multivector_config"].map { !$0.isNull } ?? false }
        return v.values.contains { $0["multivector_config"].map { !$0.isNull } ?? false }
    }

    /// `cloud` for `*.cloud.qdrant.io` hosts, else `nil` (not known).
    public var environment: String? {
        url.lowercased().contains(".cloud.qdrant.io") ? "cloud" : nil
    }

    /// Adds the observed facts to `facts` without overriding facts already given (flags win).
    public func apply(as role: Role, to facts: inout AdviceFacts) throws {
        let origin = "live \(url)"
        let prefix = role.rawValue
        try facts.setIfAbsent("\(prefix)_version", .version(version), origin: origin)
        try facts.setIfAbsent("\(prefix)_nodes", .number(Double(nodes)), origin: origin)
        if let shardCount { try facts.setIfAbsent("\(prefix)_shards", .number(Double(shardCount)), origin: origin) }
        if let env = environment { try facts.setIfAbsent("\(prefix)_env", .text(env), origin: origin) }
        if let named = namedVectors { try facts.setIfAbsent("named_vectors", .bool(named), origin: origin) }
        if let multi = multivector { try facts.setIfAbsent("multivector", .bool(multi), origin: origin) }
        switch role {
        case .source:
            try facts.setIfAbsent("source", .text("qdrant"), origin: origin)
            if let ram = ramBytes { try facts.setIfAbsent("source_ram", .number(Double(ram)), origin: origin) }
            if let used = diskUsedBytes {
                try facts.setIfAbsent("data_size", .number(used), origin: "\(origin) (disk used, an upper bound)")
            }
        case .target:
            if let ram = ramBytes { try facts.setIfAbsent("ram", .number(Double(ram)), origin: origin) }
            if let free = diskFreeBytes { try facts.setIfAbsent("free_disk", .number(free), origin: origin) }
        }
    }
}
