/// The source deployment as discovered from its nodes: peers, their REST URLs, and where every shard lives.
public struct SourceTopology: Sendable, Equatable {
    /// One node.
    public struct Node: Sendable, Equatable {
        /// The peer id (0 for a standalone node).
        public var peerId: UInt64
        /// The REST URL qsnap talks to.
        public var url: String
        public var version: QdrantVersion

        public init(peerId: UInt64, url: String, version: QdrantVersion) {
            self.peerId = peerId
            self.url = url
            self.version = version
        }
    }

    /// Where one collection's shards live.
    public struct Collection: Sendable, Equatable {
        public var name: String
        public var shardCount: Int
        /// shard id → replicas.
        public var shards: [Int: [BackupManifest.Replica]]

        public init(name: String, shardCount: Int, shards: [Int: [BackupManifest.Replica]]) {
            self.name = name
            self.shardCount = shardCount
            self.shards = shards
        }
    }

    public var clusterEnabled: Bool
    public var nodes: [Node]
    public var collections: [Collection]

    public init(clusterEnabled: Bool, nodes: [Node], collections: [Collection]) {
        self.clusterEnabled = clusterEnabled
        self.nodes = nodes
        self.collections = collections
    }

    /// The node with a peer id.
    public func node(_ peer: UInt64) -> Node? { nodes.first { $0.peerId == peer } }
}
