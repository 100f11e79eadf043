import Foundation
import Logging
import Qdrant
import QSnapCore

/// The source deployment as qsnap found it: topology, one client per peer, collections and aliases.
public struct DiscoveredSource: Sendable {
    public var topology: SourceTopology
    public var clients: [UInt64: QdrantClient]
    public var collections: [BackupManifest.Collection]
    public var aliases: [BackupManifest.Alias]

    /// The lowest Qdrant version across the nodes (the one a restore must be compatible with).
    public var version: QdrantVersion { topology.nodes.map(\.version).min() ?? QdrantVersion(major: 0, minor: 0, patch: 0) }

    /// Points sampled per collection for the manifest by default (compared by restores; `--verify-samples`).
    public static let sampleSize = 16

    /// Discovers the source from its nodes' REST URLs.
    ///
    /// In cluster mode every peer listed by `GET /cluster` must be reachable: through a given URL, or through its peer
    /// URI's host with the REST port of the first given URL.
    /// - Parameters:
    ///   - urls: REST URLs of one or more nodes.
    ///   - apiKey: the api key, if the source needs one.
    ///   - collections: the collections to back up; `nil` for all.
    ///   - samples: points per collection to record for restores to compare, spread over the collection.
    public static func discover(urls: [String], apiKey: String?, collections selection: [String]?,
                                samples: Int = sampleSize, logger: Logger) throws -> DiscoveredSource {
        guard !urls.isEmpty else { throw QSnapError(.usage("backup.qdrant"), "give the source with --qdrant URL[,URL…]") }
        var clients: [UInt64: QdrantClient] = [:]
        var nodes: [SourceTopology.Node] = []
        var clusterEnabled = false
        var knownPeers: [UInt64: String] = [:]

        for url in urls {
            let (client, node, cluster) = try probe(url, apiKey: apiKey)
            clusterEnabled = clusterEnabled || cluster.enabled
            if clients[node.peerId] == nil {
                clients[node.peerId] = client
                nodes.append(node)
            }
            knownPeers.merge(cluster.peers) { a, _ in a }
        }
        if clusterEnabled {
            // A peer URI names the internal (p2p) port. The given node shows the offset between its p2p and REST
            // ports (6335 vs 6333 by default); try that offset first, then the given node's REST port.
            let first = URLComponents(string: urls[0])
            let restPort = first?.port ?? 6333
            let ownP2P = nodes.first.flatMap { knownPeers[$0.peerId] }.flatMap { URLComponents(string: $0)?.port }
            let offset = ownP2P.map { $0 - restPort }
            for (peer, uri) in knownPeers.sorted(by: { $0.key < $1.key }) where clients[peer] == nil {
                guard let parts = URLComponents(string: uri) else { continue }
                var ports: [Int] = []
                if let offset, let p2p = parts.port { ports.append(p2p - offset) }
                if !ports.contains(restPort) { ports.append(restPort) }
                for port in ports {
                    var candidate = URLComponents()
                    candidate.scheme = first?.scheme ?? "http"
                    candidate.host = parts.host
                    candidate.port = port
                    guard let derived = candidate.string,
                          let (client, node, _) = try? probe(derived, apiKey: apiKey), node.peerId == peer else { continue }
                    clients[peer] = client
                    nodes.append(node)
                    logger.info("found peer \(peer) at \(derived)")
                    break
                }
                if clients[peer] == nil { logger.warning("peer \(peer) (\(SafeURL.display(uri))) is not reachable on its REST port; give its URL with --qdrant") }
            }
        }
        nodes.sort { $0.peerId < $1.peerId }
        let first = clients[nodes[0].peerId]!

        let available = try first.listCollections()
        let names: [String]
        if let selection, !selection.isEmpty {
            for name in selection where !available.contains(name) {
                throw QSnapError(
                    .usage("backup.collection"),
                    "collection \(name) does not exist on the source; it has: \(available.sorted().joined(separator: ", "))")
            }
            names = selection
        } else {
            names = available.sorted()
        }

        // A standalone node has no peer id in GET /cluster, but GET /collections/{c}/cluster names one: adopt it,
        // so that replicas and the node agree.
        if !clusterEnabled, nodes.count == 1, let name = names.first,
           let view = try? first.collectionCluster(name), view.peerId != nodes[0].peerId {
            clients[view.peerId] = clients.removeValue(forKey: nodes[0].peerId)
            nodes[0].peerId = view.peerId
        }

        var placements: [SourceTopology.Collection] = []
        var records: [BackupManifest.Collection] = []
        for name in names {
            let info = try first.collectionInfo(name)
            let count = try first.countPoints(name, exact: true)
            var shards: [Int: [BackupManifest.Replica]] = [:]
            var shardCount = info.config["params"]?["shard_number"]?.intValue ?? 1
            for node in nodes {
                let view = try clients[node.peerId]!.collectionCluster(name)
                shardCount = max(shardCount, view.shardCount)
                for local in view.localShards {
                    add(&shards, local.shardId, BackupManifest.Replica(peerId: view.peerId, state: local.state, pointsCount: local.pointsCount))
                }
                for remote in view.remoteShards {
                    add(&shards, remote.shardId, BackupManifest.Replica(peerId: remote.peerId, state: remote.state))
                }
            }
            if !clusterEnabled, shards.isEmpty {
                for id in 0..<shardCount { shards[id] = [BackupManifest.Replica(peerId: nodes[0].peerId, state: "Active")] }
            }
            placements.append(SourceTopology.Collection(name: name, shardCount: shardCount, shards: shards))
            let lowest = nodes.map(\.version).min() ?? QdrantVersion(major: 0, minor: 0, patch: 0)
            let sampled = try PointSampler(client: first, version: lowest).sample(name, count: samples)
            records.append(BackupManifest.Collection(
                name: name, config: info.config, payloadSchema: info.payloadSchema, pointsCount: count,
                status: info.status,
                placement: shards.keys.sorted().map { BackupManifest.ShardPlacement(shardId: $0, replicas: shards[$0]!) },
                samples: sampled.compactMap(BackupManifest.PointSample.init(point:))))
        }
        let selected = Set(names)
        let aliases = try first.listAliases()
            .filter { selected.contains($0.collectionName) }
            .map { BackupManifest.Alias(alias: $0.aliasName, collection: $0.collectionName) }
            .sorted { $0.alias < $1.alias }
        return DiscoveredSource(
            topology: SourceTopology(clusterEnabled: clusterEnabled, nodes: nodes, collections: placements),
            clients: clients, collections: records, aliases: aliases)
    }

    private static func add(_ shards: inout [Int: [BackupManifest.Replica]], _ id: Int, _ replica: BackupManifest.Replica) {
        var list = shards[id] ?? []
        if let i = list.firstIndex(where: { $0.peerId == replica.peerId }) {
            if list[i].pointsCount == nil { list[i] = replica }
        } else {
            list.append(replica)
        }
        shards[id] = list.sorted { $0.peerId < $1.peerId }
    }

    private static func probe(_ url: String, apiKey: String?) throws -> (QdrantClient, SourceTopology.Node, ClusterInfo) {
        let client = QdrantClient(baseURL: url, apiKey: apiKey)
        let info = try client.serverInfo()
        let cluster = try client.cluster()
        let node = SourceTopology.Node(peerId: cluster.peerId ?? 0, url: SafeURL.display(url), version: info.version)
        return (client, node, cluster)
    }
}
