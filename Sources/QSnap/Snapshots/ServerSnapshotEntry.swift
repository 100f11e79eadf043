import Qdrant

/// One snapshot stored on a node, as `qsnap snapshot create|list|delete` report it (`--json`: one object each).
public struct ServerSnapshotEntry: Codable, Sendable, Equatable {
    /// The node's REST URL (display form: no credentials, no query).
    public var node: String
    /// The node's peer id in a cluster, `nil` on a standalone node.
    public var peerId: UInt64?
    /// What the snapshot is of: `full`, `collection` or `shard`.
    public var kind: String
    /// The collection, `nil` for full-storage snapshots.
    public var collection: String?
    /// The shard, for shard snapshots.
    public var shard: Int?
    /// The file name on the node.
    public var name: String
    /// The size in bytes.
    public var size: Int64
    /// Qdrant's SHA-256 of the file (its `.checksum` sidecar), `nil` when the node has none.
    public var checksum: String?
    /// The creation time as Qdrant reports it (UTC, no zone), when known.
    public var creationTime: String?

    /// Describes `snapshot` of `scope` on `node`.
    public init(node: String, peerId: UInt64?, scope: SnapshotScope, snapshot: SnapshotDescription) {
        self.node = node
        self.peerId = peerId
        switch scope {
        case .full: (kind, collection, shard) = ("full", nil, nil)
        case .collection(let c): (kind, collection, shard) = ("collection", c, nil)
        case .shard(let c, let s): (kind, collection, shard) = ("shard", c, s)
        }
        name = snapshot.name
        size = snapshot.size
        checksum = snapshot.checksum?.lowercased()
        creationTime = snapshot.creationTime
    }
}
