import Foundation
import Logging
import QSnapCore
import Qdrant

/// The nodes of a deployment found from some of their REST URLs: whether it runs as a cluster, every node reached
/// (sorted by peer id) and one client per peer.
public struct DiscoveredNodes: Sendable {
    /// True when the nodes run in distributed mode.
    public var clusterEnabled: Bool
    /// Every node reached, sorted by peer id.
    public var nodes: [SourceTopology.Node]
    /// One client per peer id.
    public var clients: [UInt64: QdrantClient]

    /// Probes `urls` (`GET /`, `GET /cluster`) and, in cluster mode, finds every other peer `GET /cluster` lists, in
    /// this order: a URL given for it with `--node-url PEER=URL` (``QdrantConnection/nodeURLs``); the node-specific
    /// endpoints Qdrant Cloud documents, `node-{n}-<host>` beside a cluster endpoint `<host>` (then the given URL is a
    /// load balancer, used only for cluster-wide calls); its peer URI's host with the REST port of the first given URL
    /// (after the p2p/REST port offset of the first node). A peer reachable no way is logged and left out.
    /// - Throws: `usage("backup.qdrant")` when `urls` is empty; the first probe's failure; `usage("qdrant.node-url")`
    ///   when a `--node-url` answers as another peer.
    public static func discover(urls: [String], connection: QdrantConnection, logger: Logger) async throws
        -> DiscoveredNodes
    {
        guard !urls.isEmpty else {
            throw QSnapError(.backupQdrant, "give the source with --qdrant URL[,URL…]")
        }
        var clients: [UInt64: QdrantClient] = [:]
        var nodes: [SourceTopology.Node] = []
        var clusterEnabled = false
        var knownPeers: [UInt64: String] = [:]

        for url in urls {
            let (client, node, cluster) = try await probe(url, connection: connection, logger: logger)
            clusterEnabled = clusterEnabled || cluster.enabled
            if clients[node.peerId] == nil {
                clients[node.peerId] = client
                nodes.append(node)
            }
            knownPeers.merge(cluster.peers) { a, _ in a }
        }
        func adopt(_ client: QdrantClient, _ node: SourceTopology.Node) {
            clients[node.peerId] = client
            nodes.removeAll { $0.peerId == node.peerId }
            nodes.append(node)
        }
        if clusterEnabled {
            for (peer, url) in connection.nodeURLs.sorted(by: { $0.key < $1.key }) {
                let (client, node, _) = try await probe(url, connection: connection, logger: logger)
                guard node.peerId == peer else {
                    throw QSnapError(
                        .qdrantNodeUrl,
                        "--node-url \(peer)=\(SafeURL.display(url)) answers as peer \(node.peerId); give each peer's own URL"
                    )
                }
                adopt(client, node)
            }
            let cloud = try await nodeEndpoints(
                beside: urls[0], peers: knownPeers.count, connection: connection, logger: logger)
            for (client, node) in cloud where connection.nodeURLs[node.peerId] == nil { adopt(client, node) }
            if !cloud.isEmpty {
                logger.notice(
                    "\(SafeURL.display(urls[0])) is a cluster endpoint: using the node endpoints for node-local calls")
            }
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
                        let (client, node, _) = try? await probe(derived, connection: connection, logger: logger),
                        node.peerId == peer
                    else { continue }
                    adopt(client, node)
                    logger.info("found peer \(peer) at \(derived)")
                    break
                }
                if clients[peer] == nil {
                    logger.warning(
                        "peer \(peer) (\(SafeURL.display(uri))) is not reachable on its REST port; give its URL with --node-url \(peer)=URL"
                    )
                }
            }
        }
        nodes.sort { $0.peerId < $1.peerId }
        return DiscoveredNodes(clusterEnabled: clusterEnabled, nodes: nodes, clients: clients)
    }

    /// Qdrant Cloud's node-specific endpoints beside the cluster endpoint `url`: the host prefixed with `node-{n}-`,
    /// n = 0…peers−1, same scheme and port. Empty when `node-0-…` does not answer (not such a cluster).
    static func nodeEndpoints(beside url: String, peers: Int, connection: QdrantConnection, logger: Logger) async throws
        -> [(QdrantClient, SourceTopology.Node)]
    {
        guard peers > 0, var parts = URLComponents(string: url), let host = parts.host, !host.isEmpty,
            host.rangeOfCharacter(from: .letters) != nil, !host.contains(":"), !host.hasPrefix("node-")
        else { return [] }
        var found: [(QdrantClient, SourceTopology.Node)] = []
        for n in 0..<peers {
            parts.host = "node-\(n)-\(host)"
            guard let candidate = parts.string,
                let (client, node, _) = try? await probe(candidate, connection: connection, logger: logger)
            else {
                if n == 0 { return [] }
                throw QSnapError(
                    .qdrantNodeEndpoint,
                    "the node endpoint \(SafeURL.display(parts.string ?? "")) of a \(peers)-node cluster does not answer; "
                        + "give the node's URL with --node-url PEER=URL")
            }
            found.append((client, node))
        }
        return found
    }

    /// The client of `node`.
    public func client(_ node: SourceTopology.Node) -> QdrantClient { clients[node.peerId]! }

    /// A standalone node has no peer id in `GET /cluster`, but `GET /collections/{c}/cluster` names one: adopts it,
    /// so that replicas and the node agree. Does nothing in cluster mode or when the call fails.
    public mutating func adoptStandalonePeerId(from collection: String) async {
        guard !clusterEnabled, nodes.count == 1, let first = clients[nodes[0].peerId],
            let view = try? await first.collectionCluster(collection), view.peerId != nodes[0].peerId
        else { return }
        clients[view.peerId] = clients.removeValue(forKey: nodes[0].peerId)
        nodes[0].peerId = view.peerId
    }

    static func probe(_ url: String, connection: QdrantConnection, logger: Logger) async throws
        -> (QdrantClient, SourceTopology.Node, ClusterInfo)
    {
        let client = connection.client(url, logger: logger)
        let info = try await client.serverInfo()
        let cluster: ClusterInfo
        do {
            cluster = try await client.cluster()
        } catch let error as QdrantError
            where error.qdrantFailure?.status == 403
            && !(error.qdrantFailure?.serverMessage.contains("Signature") ?? false)
        {
            throw QSnapError(
                .qdrantAccess,
                "the key for \(SafeURL.display(url)) cannot read the cluster's topology (GET /cluster needs global read "
                    + "access; a key or JWT scoped to collections is not enough): qsnap must find every node. Use a "
                    + "key with global access; nothing was changed", cause: error.cause)
        }
        let node = SourceTopology.Node(peerId: cluster.peerId ?? 0, url: SafeURL.display(url), version: info.version)
        return (client, node, cluster)
    }
}
