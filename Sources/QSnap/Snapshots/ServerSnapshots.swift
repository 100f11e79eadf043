import Foundation
import Logging
import QSnapCore
import Qdrant

/// The per-node snapshot API over a whole deployment (`qsnap snapshot`): which nodes hold a scope's data, and
/// snapshots created, listed, found and deleted on them.
///
/// Scopes: ``SnapshotScope/full`` (full-storage snapshots; created on a single standalone node only),
/// ``SnapshotScope/collection(_:)`` (every node holding a local replica of the collection) and
/// ``SnapshotScope/shard(_:_:)`` (the nodes holding that shard locally).
public struct ServerSnapshots: Sendable {
    /// The nodes reached.
    public let nodes: DiscoveredNodes
    /// The api key, to probe a `--node` URL that is not one of the discovered ones.
    private let connection: QdrantConnection
    let logger: Logger

    /// Creates the value over nodes already discovered.
    public init(nodes: DiscoveredNodes, connection: QdrantConnection, logger: Logger) {
        self.nodes = nodes
        self.connection = connection
        self.logger = logger
    }

    /// Discovers the deployment from `urls` (cluster peers included, as `qsnap backup` does).
    public static func connect(urls: [String], connection: QdrantConnection, logger: Logger) async throws
        -> ServerSnapshots
    {
        await ServerSnapshots(
            nodes: try DiscoveredNodes.discover(urls: urls, connection: connection, logger: logger),
            connection: connection,
            logger: logger)
    }

    // MARK: - Where a scope lives

    /// The nodes holding data for `scope`: every node for full storage; for a collection the nodes with a local
    /// replica of any of its shards (a standalone node always); for a shard the nodes holding it locally.
    /// - Throws: `usage` when the collection or shard does not exist; `failure("snapshot.no-holder")` when no node
    ///   reached holds it.
    public func holders(of scope: SnapshotScope) async throws -> [SourceTopology.Node] {
        guard let collection = scope.collection else { return nodes.nodes }
        try await requireCollection(collection)
        var found: [SourceTopology.Node] = []
        var shardCount = 0
        for node in nodes.nodes {
            let view = try await nodes.client(node).collectionCluster(collection)
            shardCount = max(shardCount, view.shardCount)
            let local = Set(view.localShards.map(\.shardId))
            switch scope {
            case .shard(_, let shard): if local.contains(shard) { found.append(node) }
            default: if !local.isEmpty || !nodes.clusterEnabled { found.append(node) }
            }
        }
        if case .shard(_, let shard) = scope, shard < 0 || shard >= max(shardCount, 1) {
            throw QSnapError(
                .snapshotShard,
                "collection \(collection) has shards 0…\(max(shardCount, 1) - 1); there is no shard \(shard)")
        }
        guard !found.isEmpty else {
            throw QSnapError(
                .snapshotNoHolder,
                "no node reached holds \(scope) locally; give every node's URL with --qdrant")
        }
        return found
    }

    /// The nodes whose listing of `scope` answers: every node, except for a shard (only its holders list it).
    func listers(of scope: SnapshotScope) async throws -> [SourceTopology.Node] {
        if case .shard = scope { return try await holders(of: scope) }
        if let collection = scope.collection { try await requireCollection(collection) }
        return nodes.nodes
    }

    private func requireCollection(_ name: String) async throws {
        let client = nodes.client(nodes.nodes[0])
        let collections = try await client.listCollections()
        if collections.contains(name) { return }
        if try await client.listAliases().contains(where: { $0.aliasName == name }) { return }
        throw QSnapError(
            .snapshotCollection,
            "collection \(name) does not exist; the deployment has: \(collections.sorted().joined(separator: ", "))")
    }

    // MARK: - Operations

    /// Creates a snapshot of `scope` on every node holding its data, all nodes at once: `wait=false`, then the
    /// listing is polled until the new snapshot is complete (as `qsnap backup` does), so long snapshots do not hit
    /// an HTTP timeout.
    /// - Parameters:
    ///   - timeout: seconds to wait for each snapshot.
    ///   - poll: seconds between polls.
    /// - Returns: the new snapshots, in node order.
    /// - Throws: `refused("snapshot.full-in-cluster")` for full-storage snapshots of a cluster (Qdrant restores them
    ///   only at start-up of one node); the first node's failure once every node finished (snapshots made on the
    ///   other nodes stay there and are logged).
    public func create(_ scope: SnapshotScope, timeout: Double, poll: Double = 1) async throws -> [ServerSnapshotEntry]
    {
        try await requireWrite(scope, operation: "snapshot create")
        if case .full = scope, nodes.clusterEnabled || nodes.nodes.count > 1 {
            throw QSnapError(
                .snapshotFullInCluster,
                "full-storage snapshots are for single-node deployments: Qdrant restores them only when one node starts "
                    + "(--storage-snapshot). In a cluster, snapshot each collection (--collection) or shard (--shard)")
        }
        let targets = try await holders(of: scope)
        // One creation per node at once.
        var slots = [Result<ServerSnapshotEntry, any Error>?](repeating: nil, count: targets.count)
        await withTaskGroup(of: (Int, Result<ServerSnapshotEntry, any Error>).self) { group in
            for (i, target) in targets.enumerated() {
                group.addTask {
                    do {
                        return (i, .success(try await createOne(scope, on: target, timeout: timeout, poll: poll)))
                    } catch {
                        return (i, .failure(error))
                    }
                }
            }
            for await (i, outcome) in group { slots[i] = outcome }
        }
        let outcomes = slots.map { $0! }
        if let failure = outcomes.firstIndex(where: { if case .failure = $0 { true } else { false } }) {
            for case .success(let made) in outcomes {
                logger.warning("snapshot \(made.name) was created on \(made.node) and left there")
            }
            if case .failure(let error) = outcomes[failure] {
                throw Self.annotate(error, node: targets[failure].url)
            }
        }
        return outcomes.compactMap { try? $0.get() }
    }

    private func createOne(_ scope: SnapshotScope, on node: SourceTopology.Node, timeout: Double, poll: Double)
        async throws
        -> ServerSnapshotEntry
    {
        let client = nodes.client(node)
        let before = Set(try await client.listSnapshots(scope).map(\.name))
        logger.info("creating a snapshot of \(scope) on \(node.url)")
        let made: SnapshotDescription
        if let direct = try await client.createSnapshot(scope, wait: false) {
            made = direct
        } else {
            made = try await client.waitForSnapshot(
                scope, excluding: before, peer: node.peerId, timeout: timeout, poll: poll)
        }
        return entry(made, scope: scope, node: node)
    }

    /// Every node's snapshots of `scope` (nodes in peer order, names sorted).
    public func list(_ scope: SnapshotScope) async throws -> [ServerSnapshotEntry] {
        var all: [ServerSnapshotEntry] = []
        for node in try await listers(of: scope) {
            do {
                // A node storing snapshots on S3 lists the other nodes' collection snapshots too: each once, at its maker.
                all += try await nodes.client(node).listSnapshots(scope)
                    .filter { SnapshotName.canBelong($0.name, toPeer: node.peerId) }
                    .map { entry($0, scope: scope, node: node) }
            } catch {
                throw Self.annotate(error, node: node.url)
            }
        }
        return all
    }

    /// Finds the snapshot `name` of `scope`: on `node` when given (a REST URL of one of the nodes), else on the one
    /// node that lists it.
    /// - Throws: `usage("snapshot.not-found")` when no node lists it, `usage("snapshot.ambiguous")` when several do,
    ///   `usage("snapshot.node")` when `node` is not one of the nodes; `refused("qdrant.snapshot-name")` for a name
    ///   that is not a bare file name.
    public func locate(_ scope: SnapshotScope, name: String, node: String?) async throws
        -> (node: SourceTopology.Node, snapshot: SnapshotDescription)
    {
        try SnapshotName.validate(name)
        let candidates: [SourceTopology.Node]
        if let node { candidates = await [try resolveNode(node)] } else { candidates = try await listers(of: scope) }
        var found: [(SourceTopology.Node, SnapshotDescription)] = []
        for candidate in candidates {
            if let hit = try await nodes.client(candidate).listSnapshots(scope).first(where: {
                $0.name == name && SnapshotName.canBelong($0.name, toPeer: candidate.peerId)
            }) {
                found.append((candidate, hit))
            }
        }
        guard let first = found.first else {
            throw QSnapError(
                .snapshotNotFound,
                "no snapshot \(name) of \(scope) on \(candidates.map(\.url).joined(separator: ", ")); "
                    + "see qsnap snapshot list")
        }
        guard found.count == 1 else {
            throw QSnapError(
                .snapshotAmbiguous,
                "\(name) of \(scope) is on \(found.map(\.0.url).joined(separator: " and ")); choose one with --node URL"
            )
        }
        return first
    }

    /// Deletes the snapshot `name` of `scope` (and its checksum sidecar) from the node that has it.
    /// - Returns: what was deleted.
    public func delete(_ scope: SnapshotScope, name: String, node: String?) async throws -> ServerSnapshotEntry {
        try await requireWrite(scope, operation: "snapshot delete")
        let (holder, snapshot) = try await locate(scope, name: name, node: node)
        do {
            try await nodes.client(holder).deleteSnapshot(scope, name: snapshot.name)
        } catch {
            throw Self.annotate(error, node: holder.url)
        }
        return entry(snapshot, scope: scope, node: holder)
    }

    /// The node `url` names: one of the nodes by its display URL, else by the peer id it answers with.
    func resolveNode(_ url: String) async throws -> SourceTopology.Node {
        let wanted = SafeURL.display(url)
        if let node = nodes.nodes.first(where: { $0.url == wanted }) { return node }
        if let (_, probed, _) = try? await DiscoveredNodes.probe(url, connection: connection, logger: logger),
            let node = nodes.nodes.first(where: { $0.peerId == probed.peerId && nodes.clusterEnabled })
        {
            return node
        }
        throw QSnapError(
            .snapshotNode,
            "--node \(wanted) is not one of the nodes: \(nodes.nodes.map(\.url).joined(separator: ", "))")
    }

    func entry(_ snapshot: SnapshotDescription, scope: SnapshotScope, node: SourceTopology.Node) -> ServerSnapshotEntry
    {
        ServerSnapshotEntry(
            node: node.url, peerId: nodes.clusterEnabled ? node.peerId : nil, scope: scope, snapshot: snapshot)
    }

    /// Names the node in an error that does not already; the error keeps its type (retries decide on it).
    static func annotate(_ error: any Error, node: String) -> any Error {
        guard var described = error as? any MessageError, !described.message.contains(node) else { return error }
        described.message = "\(node): \(described.message)"
        return described
    }

    /// Collection snapshots need write access to the collection, full snapshots manage access: checked before any
    /// node is asked.
    private func requireWrite(_ scope: SnapshotScope, operation: String) async throws {
        guard let first = nodes.nodes.first else { return }
        let check = QdrantAccessCheck(role: "node", client: nodes.client(first), logger: logger)
        switch scope {
        case .full: try await check.require(.manage(operation: operation + " (full-storage)"))
        case .collection(let c), .shard(let c, _): try await check.require(.writeCollections([c], operation: operation))
        }
    }

}
