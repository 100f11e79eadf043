import Foundation
import Logging
import QSnapCore
import Qdrant

/// The source deployment as qsnap found it: topology, one client per peer, collections and aliases.
public struct DiscoveredSource: Sendable {
    public var topology: SourceTopology
    public var clients: [UInt64: QdrantClient]
    public var collections: [BackupManifest.Collection]
    public var aliases: [BackupManifest.Alias]

    /// The lowest Qdrant version across the nodes (the one a restore must be compatible with).
    public var version: QdrantVersion {
        topology.nodes.map(\.version).min() ?? QdrantVersion(major: 0, minor: 0, patch: 0)
    }

    /// Points sampled per collection for the manifest by default (compared by restores; `--verify-samples`).
    public static let sampleSize = 16

    /// Discovers the source from its nodes' REST URLs.
    ///
    /// In cluster mode every peer listed by `GET /cluster` must be reachable: through a given URL, or through its peer
    /// URI's host with the REST port of the first given URL.
    /// - Parameters:
    ///   - urls: REST URLs of one or more nodes.
    ///   - connection: credential, TLS settings and node URLs of the source.
    ///   - collections: the collections to back up; `nil` for all.
    ///   - samples: points per collection to record for restores to compare, spread over the collection.
    public static func discover(
        urls: [String], connection: QdrantConnection, collections selection: [String]?,
        samples: Int = sampleSize, logger: Logger
    ) async throws -> DiscoveredSource {
        var found = try await DiscoveredNodes.discover(urls: urls, connection: connection, logger: logger)
        let clusterEnabled = found.clusterEnabled
        let first = found.client(found.nodes[0])

        let available = try await first.listCollections()
        let names: [String]
        if let selection, !selection.isEmpty {
            for name in selection where !available.contains(name) {
                throw QSnapError(
                    .backupCollection,
                    "collection \(name) does not exist on the source; it has: \(available.sorted().joined(separator: ", "))"
                )
            }
            names = selection
        } else {
            names = available.sorted()
        }

        // A standalone node has no peer id in GET /cluster, but GET /collections/{c}/cluster names one: adopt it,
        // so that replicas and the node agree.
        if let name = names.first { await found.adoptStandalonePeerId(from: name) }
        let nodes = found.nodes, clients = found.clients

        var placements: [SourceTopology.Collection] = []
        var records: [BackupManifest.Collection] = []
        for name in names {
            let info = try await first.collectionInfo(name)
            let count = try await first.countPoints(name, exact: true)
            var shards: [Int: [BackupManifest.Replica]] = [:]
            var shardCount = info.config["params"]?["shard_number"]?.intValue ?? 1
            for node in nodes {
                let view = try await clients[node.peerId]!.collectionCluster(name)
                shardCount = max(shardCount, view.shardCount)
                for local in view.localShards {
                    add(
                        &shards, local.shardId,
                        BackupManifest.Replica(peerId: view.peerId, state: local.state, pointsCount: local.pointsCount))
                }
                for remote in view.remoteShards {
                    add(&shards, remote.shardId, BackupManifest.Replica(peerId: remote.peerId, state: remote.state))
                }
            }
            if !clusterEnabled, shards.isEmpty {
                for id in 0..<shardCount {
                    shards[id] = [BackupManifest.Replica(peerId: nodes[0].peerId, state: "Active")]
                }
            }
            placements.append(SourceTopology.Collection(name: name, shardCount: shardCount, shards: shards))
            let lowest = nodes.map(\.version).min() ?? QdrantVersion(major: 0, minor: 0, patch: 0)
            let sampled = try await PointSampler(client: first, version: lowest).sample(name, count: samples)
            records.append(
                BackupManifest.Collection(
                    name: name, config: info.config, payloadSchema: info.payloadSchema, pointsCount: count,
                    status: info.status,
                    placement: shards.keys.sorted().map {
                        BackupManifest.ShardPlacement(shardId: $0, replicas: shards[$0]!)
                    },
                    samples: sampled.compactMap(BackupManifest.PointSample.init(point:))))
        }
        let selected = Set(names)
        let aliases = try await first.listAliases()
            .filter { selected.contains($0.collectionName) }
            .map { BackupManifest.Alias(alias: $0.aliasName, collection: $0.collectionName) }
            .sorted { $0.alias < $1.alias }
        return DiscoveredSource(
            topology: SourceTopology(clusterEnabled: clusterEnabled, nodes: nodes, collections: placements),
            clients: clients, collections: records, aliases: aliases)
    }

    private static func add(
        _ shards: inout [Int: [BackupManifest.Replica]], _ id: Int, _ replica: BackupManifest.Replica
    ) {
        var list = shards[id] ?? []
        if let i = list.firstIndex(where: { $0.peerId == replica.peerId }) {
            if list[i].pointsCount == nil { list[i] = replica }
        } else {
            list.append(replica)
        }
        shards[id] = list.sorted { $0.peerId < $1.peerId }
    }
}
