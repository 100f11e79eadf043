import QSnapCore

/// Every fact the advice rules may read, and the derived facts the engine computes from them.
///
/// The catalog is the vocabulary of the rule files: a rule naming a fact that is not here is refused when the
/// policy is loaded. `policies/README.md` documents the same list.
public enum AdviceFactCatalog {
    /// The words `source` accepts: Qdrant and every engine the Qdrant Migration Tool reads.
    public static let engines = [
        "qdrant", "pinecone", "weaviate", "chroma", "milvus", "elasticsearch", "opensearch", "pgvector", "redis",
        "mongodb", "s3-vectors", "faiss", "solr",
    ]
    /// Where a Qdrant deployment runs.
    public static let environments = ["self-hosted", "cloud", "hybrid-cloud", "private-cloud"]
    /// What the user is doing.
    public static let scenarios = ["move", "cluster-failure", "revert-deploy"]
    /// How the embedding model changes.
    public static let embeddingChanges = [
        "provider", "architecture", "dimension", "add-sparse", "matryoshka", "quantization",
    ]

    /// The facts that can be given (flags, `--fact`, live clusters).
    public static let inputs: [AdviceFactDefinition] = [
        .init(
            "scenario", .choice(scenarios),
            "move: copy data to another place; cluster-failure: recover a lost cluster; revert-deploy: undo a bad deploy"
        ),
        .init("source", .choice(engines), "the engine holding the data now"),
        .init("source_env", .choice(environments), "where the source Qdrant runs"),
        .init("target_env", .choice(environments), "where the data must end up"),
        .init("source_version", .version, "Qdrant version of the source"),
        .init("target_version", .version, "Qdrant version of the target"),
        .init("source_shards", .integer, "shard count of the source collection"),
        .init("target_shards", .integer, "shard count wanted on the target"),
        .init("source_nodes", .integer, "node count of the source cluster"),
        .init("target_nodes", .integer, "node count of the target cluster"),
        .init("same_provider_region", .bool, "source and target are in the same cloud provider and region"),
        .init("filtered_subset", .bool, "only a filtered subset of the points must move"),
        .init("source_must_stay_online", .bool, "the source keeps serving traffic during the operation"),
        .init("source_goes_offline", .bool, "the source will be switched off before a long copy could finish"),
        .init("data_size", .bytes, "size of the data on the source (disk)"),
        .init("free_disk", .bytes, "free disk on the target"),
        .init("ram", .bytes, "RAM of the target"),
        .init("source_ram", .bytes, "RAM of the source"),
        .init("embedding_change", .choice(embeddingChanges), "how the embedding model changes"),
        .init("named_vectors", .bool, "the collection uses named vectors"),
        .init("multivector", .bool, "the collection holds multivectors (ColBERT-style)"),
        .init("side_by_side", .bool, "compare the old and new embeddings side by side (A/B) before switching"),
        .init("dataset_size", .bytes, "size of the original dataset (texts, images) the embeddings come from"),
        .init("collection", .text, "collection name (used in the next commands)"),
        .init("alias", .text, "alias clients query (used in the next commands)"),
        .init("from_url", .text, "source Qdrant URL (used in the next commands)"),
        .init("to_url", .text, "target Qdrant URL (used in the next commands)"),
        .init("repo", .text, "qsnap backup repository, e.g. s3://bucket/prefix (used in the next commands)"),
        .init("cloud_cluster_id", .text, "Qdrant Cloud cluster id (used in the next commands)"),
        .init("cloud_account_id", .text, "Qdrant Cloud account id (used in the next commands)"),
    ]

    /// The facts the engine computes (see ``derive(from:)``).
    public static let derivedFacts: [AdviceFactDefinition] = [
        .init("shard_count_changes", .bool, "source_shards ≠ target_shards", derived: true),
        .init("node_count_changes", .bool, "source_nodes ≠ target_nodes", derived: true),
        .init(
            "version_minor_gap", .integer,
            "target minor − source minor (±1000 when the major differs; negative when the target is older)",
            derived: true),
        .init("version_exact", .bool, "target_version = source_version", derived: true),
        .init("disk_headroom", .ratio, "free_disk ÷ data_size", derived: true),
        .init("ram_headroom", .ratio, "ram ÷ source_ram", derived: true),
        .init(
            "qdrant_version", .version, "target_version, else source_version: the Qdrant that holds the embeddings",
            derived: true),
        .init(
            "reembedding_needed", .bool, "embedding_change is provider, architecture, dimension or add-sparse",
            derived: true),
    ]

    /// All facts, inputs first.
    public static let all: [AdviceFactDefinition] = inputs + derivedFacts

    private static let byName: [String: AdviceFactDefinition] = Dictionary(
        uniqueKeysWithValues: all.map { ($0.name, $0) })

    /// The definition of `name`, or `nil`.
    public static func definition(_ name: String) -> AdviceFactDefinition? { byName[name] }

    /// The derived facts computable from `values` (a derived fact is absent when an input it needs is unknown).
    public static func derive(from values: [String: AdviceValue]) -> [String: AdviceValue] {
        var out: [String: AdviceValue] = [:]
        func number(_ name: String) -> Double? {
            if case .number(let n)? = values[name] { return n }
            return nil
        }
        func version(_ name: String) -> QdrantVersion? {
            if case .version(let v)? = values[name] { return v }
            return nil
        }
        if let a = number("source_shards"), let b = number("target_shards") {
            out["shard_count_changes"] = .bool(a != b)
        }
        if let a = number("source_nodes"), let b = number("target_nodes") { out["node_count_changes"] = .bool(a != b) }
        if let s = version("source_version"), let t = version("target_version") {
            let gap = s.major == t.major ? t.minor - s.minor : (t.major > s.major ? 1000 : -1000)
            out["version_minor_gap"] = .number(Double(gap))
            out["version_exact"] = .bool(s == t)
        }
        if let free = number("free_disk"), let size = number("data_size"), size > 0 {
            out["disk_headroom"] = .number(free / size)
        }
        if let ram = number("ram"), let used = number("source_ram"), used > 0 {
            out["ram_headroom"] = .number(ram / used)
        }
        if let v = version("target_version") ?? version("source_version") { out["qdrant_version"] = .version(v) }
        if case .text(let change)? = values["embedding_change"] {
            out["reembedding_needed"] = .bool(["provider", "architecture", "dimension", "add-sparse"].contains(change))
        }
        return out
    }
}
