/// Where source nodes write their snapshots when Qdrant stores them on S3 (`storage.snapshots_config.snapshots_storage:
/// s3`): a bucket and the key prefix Qdrant derives from its `snapshots_path` (the path without a leading `./` or `/`;
/// `snapshots` by default). Pure: it only names objects.
public struct NodeSnapshotStore: Sendable, Hashable, Codable {
    /// The nodes' snapshot bucket; `nil` means the repository's own bucket.
    public var bucket: String?
    /// The key prefix, without leading or trailing `/`.
    public var prefix: String

    /// Creates a store description; `prefix` is normalised the way Qdrant turns `snapshots_path` into keys.
    public init(bucket: String? = nil, prefix: String = "snapshots") {
        self.bucket = bucket
        self.prefix = Self.normalise(prefix)
    }

    /// `./snapshots/` → `snapshots`, `/qdrant/snapshots` → `qdrant/snapshots`, `.` → ``.
    public static func normalise(_ path: String) -> String {
        path.split(separator: "/").filter { $0 != "." && !$0.isEmpty }.joined(separator: "/")
    }

    /// The key Qdrant writes `snapshotName` of `unit` under: `<prefix>/<collection>/<name>` for a collection
    /// snapshot, `<prefix>/<collection>/shards/<id>/<name>` for a shard snapshot, `<prefix>/<name>` for a full one.
    public func key(for unit: BackupUnit, snapshotName: String) -> String {
        let relative: String
        switch unit {
        case .collection(let name, _): relative = "\(name)/\(snapshotName)"
        case .shard(let collection, let shard): relative = "\(collection)/shards/\(shard)/\(snapshotName)"
        case .full: relative = snapshotName
        }
        return prefix.isEmpty ? relative : "\(prefix)/\(relative)"
    }
}
