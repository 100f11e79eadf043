import Foundation
import Logging
import QSnapCore
import Qdrant

/// Applies a retention policy to the snapshots stored on Qdrant nodes: per node and per scope (each collection,
/// each local shard, full storage), the snapshots are planned by their creation time with ``RetentionPlanner``
/// and, when asked, the forgotten ones deleted. Snapshots whose time is unknown are left alone. Pins name
/// snapshot file names here; the deletion cap applies per node and scope; the newest snapshot of a scope is always
/// kept (every stored snapshot counts as verified: Qdrant checksums it when it is created).
public struct ServerSnapshotPruner {
    /// The outcome for one node and scope.
    public struct Group: Sendable, Encodable {
        /// The node URL (without credentials).
        public var node: String
        /// The scope, e.g. `collection "docs"`, `shard 1 of collection "docs"`, `full storage`.
        public var scope: String
        /// Snapshots kept, newest first.
        public var kept: [String]
        /// Snapshots deleted (or to delete, in a dry run), oldest first.
        public var forgotten: [String]
        /// Snapshots without a readable creation time, left alone.
        public var undated: [String]
    }

    private let urls: [String]
    private let connection: QdrantConnection
    private let options: PruneRunner.Options
    private let logger: Logger

    /// Creates a pruner for the nodes at `urls`.
    public init(urls: [String], connection: QdrantConnection, options: PruneRunner.Options, logger: Logger) {
        self.urls = urls
        self.connection = connection
        self.options = options
        self.logger = logger
    }

    /// Plans and (with ``PruneRunner/Options/execute``) deletes.
    public func run() async throws -> [Group] {
        var groups: [Group] = []
        for url in urls {
            let client = connection.client(url, logger: logger)
            var scopes: [SnapshotScope] = [.full]
            for collection in try await client.listCollections().sorted() {
                scopes.append(.collection(collection))
                for shard in try await client.collectionCluster(collection).localShards.map(\.shardId).sorted() {
                    scopes.append(.shard(collection, shard))
                }
            }
            for scope in scopes {
                let snapshots = try await client.listSnapshots(scope)
                guard !snapshots.isEmpty else { continue }
                if let group = try await prune(snapshots, scope: scope, client: client) { groups.append(group) }
            }
        }
        return groups
    }

    private func prune(_ snapshots: [SnapshotDescription], scope: SnapshotScope, client: QdrantClient) async throws
        -> Group?
    {
        var dated: [RetentionBackup] = []
        var undated: [String] = []
        for snapshot in snapshots {
            if let time = snapshot.creationDate ?? SnapshotName.parse(snapshot.name)?.creationTime {
                dated.append(RetentionBackup(id: snapshot.name, time: time, verified: true))
            } else {
                undated.append(snapshot.name)
            }
        }
        let plan = try RetentionPlanner.plan(backups: dated, policy: options.policy, now: options.now)
        let node = SafeURL.display(client.baseURL)
        for snapshot in plan.forgotten where options.execute {
            logger.notice("deleting snapshot \(snapshot.id) of \(scope) on \(node)")
            try await client.deleteSnapshot(scope, name: snapshot.id)
        }
        return Group(
            node: node, scope: scope.description, kept: plan.kept.map(\.id), forgotten: plan.forgotten.map(\.id),
            undated: undated.sorted())
    }
}
