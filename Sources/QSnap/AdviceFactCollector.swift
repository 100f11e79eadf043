import Foundation
import HTTP
import Logging
import QSnapAdvice
import QSnapCore
import Qdrant

/// Reads facts for `qsnap advise` from live Qdrant clusters: versions, node and shard counts, the collection's
/// vector layout, disk and RAM. Facts already given by flags are kept.
public enum AdviceFactCollector {
    /// Observes `from` (as the source) and `to` (as the target) and adds what they report to `facts`.
    /// - Parameters:
    ///   - collection: the collection whose shard count and vector config are read, when it exists.
    ///   - source, target: how to connect to each cluster (credentials never printed).
    public static func collect(
        into facts: inout AdviceFacts, from: String?, to: String?, collection: String?, source: QdrantConnection,
        target: QdrantConnection, logger: Logger
    ) async throws {
        let sourceIsQdrant = facts["source"].map { $0 == .text("qdrant") } ?? true
        if let from, sourceIsQdrant {
            try await observe(from, collection: collection, connection: source, logger: logger).apply(
                as: .source, to: &facts)
        }
        if let to {
            try await observe(to, collection: collection, connection: target, logger: logger).apply(
                as: .target, to: &facts)
        }
    }

    /// Reads one cluster's facts.
    static func observe(_ url: String, collection: String?, connection: QdrantConnection, logger: Logger) async throws
        -> AdviceClusterObservation
    {
        let shown = AdviseURL.withoutCredentials(url)
        do {
            return try await read(url, shown: shown, collection: collection, connection: connection, logger: logger)
        } catch {
            guard let error = QSnapError(mapping: error) else { throw error }
            throw QSnapError(
                .adviceLive, "cannot read facts from \(shown): \(error.message)", cause: error.cause)
        }
    }

    private static func read(
        _ url: String, shown: String, collection: String?, connection: QdrantConnection, logger: Logger
    )
        async throws -> AdviceClusterObservation
    {
        let client = connection.client(url, timeout: 30, logger: logger)
        let info = try await client.serverInfo()
        var observation = AdviceClusterObservation(url: shown, version: info.version)
        // Each of these needs global access; without it the facts stay unknown and the user is told.
        func optional<T>(_ what: String, _ read: () async throws -> T) async -> T? {
            do {
                return try await read()
            } catch {
                logger.notice(
                    "advise: cannot read \(what) of \(shown) (\(QSnapError.message(of: error))); the facts it gives stay unknown"
                )
                return nil
            }
        }
        if let cluster = await optional("/cluster", { try await client.cluster() }), cluster.enabled {
            observation.nodes = max(1, cluster.peers.count)
        }
        if let telemetry = await optional("/telemetry (disk and RAM)", { try await client.telemetry() }) {
            observation.diskTotalBytes = telemetry.diskSizeBytes
            observation.ramBytes = telemetry.ramSizeBytes
        }
        if let quotas = await optional("/quotas (disk usage)", { try await client.quotas() }) {
            observation.diskUsagePercent = quotas?.diskUsagePercent
        }
        if let collection, try await client.collectionExists(collection) {
            observation.collectionConfig = try await client.collectionInfo(collection).config
            observation.shardCount = try await client.collectionCluster(collection).shardCount
        }
        return observation
    }
}
