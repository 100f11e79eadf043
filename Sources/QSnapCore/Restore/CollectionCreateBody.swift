/// Turns a collection `config` recorded in a manifest (`GET /collections/{c}` `config`) into the body of
/// `PUT /collections/{c}` that creates the same collection (used before recovering shard snapshots, which need the
/// collection to exist).
public enum CollectionCreateBody {
    /// The create body: `params` fields at the top level, `optimizer_config` renamed to `optimizers_config`,
    /// `hnsw_config`, `wal_config`, `quantization_config`, `strict_mode_config` and `metadata` copied.
    public static func from(config: JSONValue) -> JSONValue {
        var body: [String: JSONValue] = [:]
        for (key, value) in config["params"]?.objectValue ?? [:] where !value.isNull {
            body[key] = value
        }
        let copied: [(String, String)] = [
            ("hnsw_config", "hnsw_config"), ("optimizer_config", "optimizers_config"), ("wal_config", "wal_config"),
            ("quantization_config", "quantization_config"), ("strict_mode_config", "strict_mode_config"),
            ("metadata", "metadata"),
        ]
        for (from, to) in copied {
            if let value = config[from], !value.isNull { body[to] = value }
        }
        return .object(body)
    }
}
