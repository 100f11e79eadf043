import Foundation
import Logging
import Qdrant
import QSnapCore

/// The nodes of a deployment found from some of their REST URLs: whether it runs as a cluster, every node reached
/// (sorted by peer id) and one client per peer.
public struct DiscoveredNodes: Sendable {
    /// True when the nodes run in distributed mode.
    public var clusterEnabled: Bool
    /// Every node reached, sorted by peer id.
    public var nodes: [SourceTopology.Node]
    /// One client per peer id.
    public var clients: [UInt64: QdrantClient]

    /// Probes `urls` (`GET /`, `GET /cluster`) and, in cluster mode, every other peer `GET /cluster` lists: through a
    /// given URL, or through its peer URI's host with the REST port of the first given URL (after the p2p/REST port
    /// offset of the first node). A peer reachable neither way is logged and left out.
    /// - Throws: `usage("backup.qdrant")` when `urls` is empty; the first probe's failure.
    public static func discover(urls: [String], apiKey: String?, logger: Logger) throws -> DiscoveredNodes {
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
        return DiscoveredNodes(clusterEnabled: clusterEnabled, nodes: nodes, clients: clients)
    }

    /// The client of `node`.
    public func client(_ node: SourceTopology.Node) -> QdrantClient { clients[node.peerId]! }

    /// A standalone node has no peer id in `GET /cluster`, but `GET /collections/{c}/cluster` names one: adopts it,
    /// so that replicas and the node agree. Does nothing in cluster mode or when the call fails.
    public mutating func adoptStandalonePeerId(from collection: String) {
        guard !clusterEnabled, nodes.count == 1, let first = clients[nodes[0].peerId],
              let view = try? first.collectionCluster(collection), view.peerId != nodes[0].peerId else { return }
        clients[view.peerId] = clients.removeValue(forKey: nodes[0].peerId)
        nodes[0].peerId = view.peerId
    }

    static func probe(_ url: String, apiKey: String?) throws -> (QdrantClient, SourceTopology.Node, ClusterInfo) {
        let client = QdrantClient(baseURL: url, apiKey: apiKey)
        let info = try client.serverInfo()
        let cluster = try client.cluster()
        let node = SourceTopology.Node(peerId: cluster.peerId ?? 0, url: SafeURL.display(url), version: info.version)
        return (client, node, cluster)
    }
}
