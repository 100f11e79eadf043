import Foundation
import Logging
import QSnapCore
import Qdrant

/// The deployment a restore writes to: one client per node with its peer id, version, free disk and RAM, plus the
/// collections and aliases it has now.
public struct RestoreTarget: Sendable {
    /// One target node.
    public struct Node: Sendable {
        /// The REST URL as given (display form: no credentials, no query).
        public var url: String
        /// A client for the node.
        public var client: QdrantClient
        /// The node's peer id (`nil` when the target is not distributed).
        public var peerId: UInt64?
        /// The node's Qdrant release (`GET /`).
        public var version: QdrantVersion
        /// Free bytes of the storage filesystem, when known.
        public var freeBytes: Int64?
        /// `telemetry+quotas` or `statvfs`.
        public var freeSource: String
        /// `app.system.ram_size`, when reported.
        public var ramBytes: Int64?
    }

    /// The nodes, in the order of the given URLs.
    public var nodes: [Node]
    /// True when the target runs in distributed mode.
    public var clusterEnabled: Bool
    /// Every collection on the target.
    public var collections: [String]
    /// Every alias: alias name → collection name.
    public var aliases: [String: String]

    /// The lowest version across the nodes.
    public var version: QdrantVersion { nodes.map(\.version).min()! }

    /// Probes every node.
    /// - Parameters:
    ///   - urls: REST URLs of the target: every node, or one endpoint of a cluster whose other nodes can be found
    ///     (``DiscoveredNodes``: `--node-url`, Qdrant Cloud's node endpoints, peer URIs).
    ///   - connection: credential, TLS settings and node URLs of the target.
    ///   - storagePath: a local path on the target's storage filesystem; its statvfs free space replaces the
    ///     telemetry estimate (single-node targets on this host).
    public static func discover(urls: [String], connection: QdrantConnection, storagePath: String?, logger: Logger)
        async
        throws
        -> RestoreTarget
    {
        guard !urls.isEmpty else {
            throw QSnapError(.restoreTarget, "give the target with --target URL[,URL…]")
        }
        var seen: [UInt64: String] = [:]
        for url in urls where urls.count > 1 {
            let cluster = try await connection.client(url, logger: logger).cluster()
            if let peer = cluster.peerId, let other = seen[peer] {
                throw QSnapError(
                    .restoreTarget, "\(SafeURL.display(url)) is the same node (peer \(peer)) as \(other)")
            }
            if let peer = cluster.peerId { seen[peer] = SafeURL.display(url) }
        }
        let found = try await DiscoveredNodes.discover(urls: urls, connection: connection, logger: logger)
        let clusterEnabled = found.clusterEnabled
        if clusterEnabled {
            let known = await Set(try found.client(found.nodes[0]).cluster().peers.keys)
            let missing = known.subtracting(found.nodes.map(\.peerId))
            if !missing.isEmpty {
                throw QSnapError(
                    .restoreTarget,
                    "the target cluster has \(known.count) peers but only \(found.nodes.count) could be reached; give the "
                        + "REST URL of every node with --target, or --node-url PEER=URL for each missing peer (missing "
                        + "peer ids: \(missing.sorted().map(String.init).joined(separator: ", ")))")
            }
        }
        var nodes: [Node] = []
        for discovered in found.nodes {
            let client = found.client(discovered)
            let cluster = try await client.cluster()
            let telemetry = try await client.telemetry(detailsLevel: 1)
            var free: Int64?
            var source = "telemetry+quotas"
            if let storagePath {
                let attributes = try? FileManager.default.attributesOfFileSystem(forPath: storagePath)
                free = (attributes?[.systemFreeSize] as? NSNumber)?.int64Value
                source = "statvfs"
                if free == nil {
                    throw QSnapError(
                        .restoreStoragePath,
                        "cannot read the free space of --storage-path \(storagePath); give an existing path")
                }
            } else if let size = telemetry.diskSizeBytes, let quotas = try await client.quotas() {
                let percent = cluster.peerId.flatMap { quotas.peers[$0]?.diskUsagePercent } ?? quotas.diskUsagePercent
                free = percent.map { DiskGate.freeBytes(diskSizeBytes: size, usagePercent: $0) }
            }
            nodes.append(
                Node(
                    url: discovered.url, client: client, peerId: cluster.peerId, version: discovered.version,
                    freeBytes: free, freeSource: source, ramBytes: telemetry.ramSizeBytes))
        }
        // The order given stays the order of the nodes (source peers map to target URLs in order).
        let order = urls.map(SafeURL.display)
        nodes.sort {
            (order.firstIndex(of: $0.url) ?? Int.max, $0.peerId ?? 0) < (
                order.firstIndex(of: $1.url) ?? Int.max, $1.peerId ?? 0
            )
        }
        let first = nodes[0].client
        let collections = try await first.listCollections()
        var aliases: [String: String] = [:]
        for a in try await first.listAliases() { aliases[a.aliasName] = a.collectionName }
        return RestoreTarget(nodes: nodes, clusterEnabled: clusterEnabled, collections: collections, aliases: aliases)
    }

    /// True when the target is a Qdrant Cloud cluster (`*.cloud.qdrant.io`), whose nodes cannot download from a URL.
    public var isQdrantCloud: Bool {
        nodes.contains { URLComponents(string: $0.url)?.host?.hasSuffix(".cloud.qdrant.io") ?? false }
    }

    /// True when the target has collection metadata (Qdrant ≥ 1.16), which marks qsnap's staging collections.
    public var hasCollectionMetadata: Bool { version >= RestoreNaming.metadataSince }

    /// True when the collection `name` exists and was made by a qsnap restore: it carries qsnap's staging marker (by
    /// name alone on targets without collection metadata), or the restore lock left by a killed restore on this host
    /// lists it (killed after Qdrant created it, before qsnap marked it).
    public func isMarkedStaging(_ name: String) async throws -> Bool {
        guard let (base, _) = RestoreNaming.parse(name), collections.contains(name) else { return false }
        let metadata = await hasCollectionMetadata ? try nodes[0].client.collectionInfo(name).config["metadata"] : nil
        if RestoreNaming.isMarkedStaging(name, metadata: metadata, hasMetadata: hasCollectionMetadata) { return true }
        return try await RestoreLock.orphan(base: base, client: nodes[0].client)?.staging.contains(name) ?? false
    }

    /// Leftovers of interrupted or failed restores of `base`: qsnap's staging collections (see
    /// ``isMarkedStaging(_:)``) that no alias points at. A collection that only looks like one by name is never among
    /// them.
    /// - Parameter inherited: staging collections of a gone restore whose lock this one took over.
    public func staleStaging(base: String, inherited: Set<String> = []) async throws -> [String] {
        var stale: [String] = []
        for name in RestoreNaming.staleStaging(base: base, collections: collections, aliases: aliases) {
            if inherited.contains(name) {
                stale.append(name)
            } else if try await isMarkedStaging(name) {
                stale.append(name)
            }
        }
        return stale
    }

    /// Re-reads the collections and aliases.
    public mutating func refresh() async throws {
        collections = try await nodes[0].client.listCollections()
        var map: [String: String] = [:]
        for a in try await nodes[0].client.listAliases() { map[a.aliasName] = a.collectionName }
        aliases = map
    }
}
