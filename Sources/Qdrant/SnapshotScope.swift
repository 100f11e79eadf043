/// Which snapshots an operation addresses: one collection's, one shard's, or the whole storage's.
public enum SnapshotScope: Hashable, Sendable, CustomStringConvertible {
    /// Snapshots of a collection (`/collections/{c}/snapshots`).
    case collection(String)
    /// Snapshots of one shard of a collection (`/collections/{c}/shards/{id}/snapshots`).
    case shard(String, Int)
    /// Full-storage snapshots (`/snapshots`).
    case full

    /// The path segments of the snapshot listing for this scope.
    var listingSegments: [String] {
        switch self {
        case .collection(let c): return ["collections", c, "snapshots"]
        case .shard(let c, let s): return ["collections", c, "shards", String(s), "snapshots"]
        case .full: return ["snapshots"]
        }
    }

    /// The collection this scope belongs to, `nil` for full snapshots.
    public var collection: String? {
        switch self {
        case .collection(let c), .shard(let c, _): return c
        case .full: return nil
        }
    }

    /// A short human description, e.g. `collection "c"`, `shard 2 of collection "c"`, `full storage`.
    public var description: String {
        switch self {
        case .collection(let c): return "collection \"\(c)\""
        case .shard(let c, let s): return "shard \(s) of collection \"\(c)\""
        case .full: return "full storage"
        }
    }
}
