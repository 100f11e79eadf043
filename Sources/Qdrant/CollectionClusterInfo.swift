import QSnapCore

/// How one collection's shards are placed, as seen by the answering node (`GET /collections/{c}/cluster`).
public struct CollectionClusterInfo: Sendable, Hashable, Decodable {
    /// A shard replica held by the answering node.
    public struct LocalShard: Sendable, Hashable, Decodable {
        /// The shard id.
        public var shardId: Int
        /// The number of points in this replica.
        public var pointsCount: Int
        /// The replica state (`Active`, `Dead`, `Partial`, …).
        public var state: String
        /// The user-defined shard key, if any.
        public var shardKey: JSONValue?

        enum CodingKeys: String, CodingKey {
            case state
            case shardId = "shard_id"
            case pointsCount = "points_count"
            case shardKey = "shard_key"
        }
    }

    /// A shard replica held by another peer.
    public struct RemoteShard: Sendable, Hashable, Decodable {
        /// The shard id.
        public var shardId: Int
        /// The peer holding the replica.
        public var peerId: UInt64
        /// The replica state.
        public var state: String
        /// The user-defined shard key, if any.
        public var shardKey: JSONValue?

        enum CodingKeys: String, CodingKey {
            case state
            case shardId = "shard_id"
            case peerId = "peer_id"
            case shardKey = "shard_key"
        }
    }

    /// The answering node's peer id.
    public var peerId: UInt64
    /// The total number of shards of the collection.
    public var shardCount: Int
    /// Replicas on the answering node.
    public var localShards: [LocalShard]
    /// Replicas on other peers.
    public var remoteShards: [RemoteShard]
    /// The number of shard transfers in progress.
    public var shardTransfers: Int

    enum CodingKeys: String, CodingKey {
        case peerId = "peer_id"
        case shardCount = "shard_count"
        case localShards = "local_shards"
        case remoteShards = "remote_shards"
        case shardTransfers = "shard_transfers"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        peerId = try c.decode(UInt64.self, forKey: .peerId)
        shardCount = try c.decode(Int.self, forKey: .shardCount)
        localShards = try c.decodeIfPresent([LocalShard].self, forKey: .localShards) ?? []
        remoteShards = try c.decodeIfPresent([RemoteShard].self, forKey: .remoteShards) ?? []
        shardTransfers = try c.decodeIfPresent([JSONValue].self, forKey: .shardTransfers)?.count ?? 0
    }

    /// True when every local and remote replica is `Active` and no transfer is running.
    public var allActive: Bool {
        shardTransfers == 0 && localShards.allSatisfy { $0.state == "Active" }
            && remoteShards.allSatisfy { $0.state == "Active" }
    }
}
