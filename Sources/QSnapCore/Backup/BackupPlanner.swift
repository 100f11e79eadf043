/// Decides which snapshots a backup takes, where — pure, tested without I/O.
///
/// - `collection`: a collection snapshot on every node that holds at least one local replica of the collection
///   (a node's snapshot carries data only for its local shards; the others are stubs).
/// - `shard`: one shard snapshot per shard, on an Active replica, spreading the work over the nodes.
/// - `full`: standalone deployments only — full snapshots do not work in distributed mode (qdrant/qdrant#3686).
/// Every shard must have an Active replica on a node qsnap can reach, or the backup is refused: it would
/// silently miss data.
public enum BackupPlanner {
    /// One planned object.
    public struct Item: Sendable, Equatable {
        public var unit: BackupUnit
        /// The node that takes the snapshot.
        public var node: SourceTopology.Node
        /// The shard ids whose data the object will carry.
        public var shards: [Int]
    }

    /// Plans a backup.
    /// - Throws: `refused("backup.full-in-cluster")`, `refused("backup.no-active-replica")`,
    ///   `usage("backup.no-collections")`.
    public static func plan(kind: BackupKind, topology: SourceTopology) throws -> [Item] {
        switch kind {
        case .full:
            guard !topology.clusterEnabled else {
                throw QSnapError(
                    .backupFullInCluster,
                    "full-storage snapshots cannot be used in a distributed cluster (Qdrant restores them only at "
                        + "start-up, on one node); use --kind collection (a snapshot on every node) or --kind shard")
            }
            guard topology.nodes.count == 1, let node = topology.nodes.first else {
                throw QSnapError(
                    .backupFullSeveralNodes,
                    "--kind full takes exactly one standalone node; \(topology.nodes.count) URLs were given")
            }
            return [Item(unit: .full(peer: node.peerId), node: node, shards: [])]
        case .collection, .shard:
            guard !topology.collections.isEmpty else {
                throw QSnapError(.backupNoCollections, "there is no collection to back up on the source")
            }
            try requireActiveReplicas(topology)
            return kind == .collection ? collectionPlan(topology) : shardPlan(topology)
        }
    }

    private static func requireActiveReplicas(_ topology: SourceTopology) throws {
        let reachable = Set(topology.nodes.map(\.peerId))
        for c in topology.collections {
            for shard in 0..<max(c.shardCount, (c.shards.keys.max() ?? -1) + 1) {
                let replicas = c.shards[shard] ?? []
                guard replicas.contains(where: { $0.state == "Active" && reachable.contains($0.peerId) }) else {
                    let states = replicas.map { "peer \($0.peerId) \($0.state)" }.joined(separator: ", ")
                    throw QSnapError(
                        .backupNoActiveReplica,
                        "shard \(shard) of collection \(c.name) has no Active replica on a node qsnap can reach "
                            + "(\(states.isEmpty ? "no replicas" : states)); a backup would miss its data. Wait for the "
                            + "shard to recover, or give every node's URL with --qdrant")
                }
            }
        }
    }

    private static func collectionPlan(_ topology: SourceTopology) -> [Item] {
        var items: [Item] = []
        for c in topology.collections {
            for node in topology.nodes {
                let local = c.shards.filter { $0.value.contains { $0.peerId == node.peerId } }.keys.sorted()
                guard !local.isEmpty || !topology.clusterEnabled else { continue }
                items.append(
                    Item(
                        unit: .collection(name: c.name, peer: node.peerId), node: node,
                        shards: topology.clusterEnabled ? local : Array(c.shards.keys).sorted()))
            }
        }
        return items
    }

    private static func shardPlan(_ topology: SourceTopology) -> [Item] {
        var load: [UInt64: Int] = [:]
        var items: [Item] = []
        for c in topology.collections {
            for shard in c.shards.keys.sorted() {
                let candidates = (c.shards[shard] ?? [])
                    .filter { $0.state == "Active" }
                    .compactMap { replica in topology.node(replica.peerId) }
                    .sorted { (load[$0.peerId, default: 0], $0.peerId) < (load[$1.peerId, default: 0], $1.peerId) }
                guard let node = candidates.first else { continue }
                load[node.peerId, default: 0] += 1
                items.append(Item(unit: .shard(collection: c.name, shard: shard), node: node, shards: [shard]))
            }
        }
        return items
    }
}
