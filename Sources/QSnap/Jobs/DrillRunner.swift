import Foundation
import Logging
import QSnapCore
import Qdrant

/// A disaster-recovery drill: restores a backup into scratch collections on a target deployment with the restore
/// machinery (``RestorePlanner``, ``RestoreRunner``: upload, verification of counts, shard states, sampled points
/// and a query), measures RTO (restore wall time) and RPO (age of the backup at drill start), and **always**
/// removes the scratch collections and their aliases — after a failure too — recording what it removed and
/// anything left over in the ``DrillReport``.
///
/// Scratch collections are named `qsnap-drill-<token>-<collection>-qsnap-<backup id>` with a scratch alias
/// `qsnap-drill-<token>-<collection>`; the backup's own aliases are never touched on the target.
public struct DrillRunner {
    /// What to drill.
    public struct Options: Sendable {
        /// `latest` or a backup id.
        public var backup: String
        /// Collections to restore (`nil`: every collection of the backup).
        public var collections: [String]?
        /// Attempts to delete each scratch collection during cleanup.
        public var cleanupAttempts: Int
        /// With `--cloud-backups`: measures the age of the cluster's newest SUCCEEDED Qdrant Cloud backup at drill
        /// start, reported as the Cloud Backups RPO (and a check that fails when there is none).
        public var cloudBackups: CloudBackupRPOProbe?

        /// Creates options.
        public init(
            backup: String = "latest", collections: [String]? = nil, cleanupAttempts: Int = 3,
            cloudBackups: CloudBackupRPOProbe? = nil
        ) {
            self.backup = backup
            self.collections = collections
            self.cleanupAttempts = max(1, cleanupAttempts)
            self.cloudBackups = cloudBackups
        }
    }

    /// The prefix of every scratch collection and alias.
    public static let scratchPrefix = "qsnap-drill-"

    private let repository: any Repository
    private let targetURLs: [String]
    private let connection: QdrantConnection
    private let options: Options
    private let logger: Logger

    /// Creates a drill.
    public init(
        repository: any Repository, targetURLs: [String], connection: QdrantConnection, options: Options, logger: Logger
    ) {
        self.repository = repository
        self.targetURLs = targetURLs
        self.connection = connection
        self.options = options
        self.logger = logger
    }

    /// Runs the drill.
    ///
    /// - Returns: the report (check ``DrillReport/passed``).
    /// - Throws: only when there is nothing to drill (no such backup, unreadable manifest) or, with
    ///   ``Options/cloudBackups``, when the Qdrant Cloud API refuses the listing: no report then, and nothing restored.
    public func run() async throws -> DrillReport {
        let started = Date()
        let id = try await ManifestStore.resolve(options.backup, in: repository)
        let manifest = try await ManifestStore.read(id, from: repository)
        let cloud = try await options.cloudBackups?.measure(at: started)
        let backupTime = Self.date(manifest.startedAt) ?? BackupLayout.date(ofID: id) ?? started
        let token = Hex.encode((0..<3).map { _ in UInt8.random(in: 0...255) })
        let redactor = Redactor(secrets: connection.credential.map { [$0.secret] } ?? [])
        let selected = try selectCollections(manifest)

        var results: [DrillReport.CollectionResult] = []
        var checks: [DrillReport.Check] = cloud.map { [Self.cloudCheck($0)] } ?? []
        var failure: String?
        var scratch: [(name: String, alias: String)] = []
        var client: QdrantClient?
        var restoreStarted = Date()
        var restoreFinished = restoreStarted
        do {
            var target = try await RestoreTarget.discover(
                urls: targetURLs, connection: connection, storagePath: nil, logger: logger)
            client = target.nodes[0].client
            // The backup's aliases stay out of the drill: only the scratch alias is created on the target.
            var scratchManifest = manifest
            scratchManifest.aliases = []
            restoreStarted = Date()
            for collection in selected {
                let base = Self.scratchPrefix + token + "-" + collection.name
                let name = RestoreNaming.stagingName(base: base, backupID: id)
                scratch.append((name, base))
                let restoreOptions = RestoreOptions(collections: [collection.name], asName: base, alias: base)
                var restored: Int64?
                do {
                    try await target.refresh()
                    let plan = try await RestorePlanner(
                        manifest: scratchManifest, target: target, options: restoreOptions
                    )
                    .plan()
                    if let refusal = plan.refusal { throw refusal }
                    logger.notice("drill: restoring \(collection.name) of backup \(id) into \(name)")
                    let result = try await RestoreRunner(
                        manifest: scratchManifest, target: target, plan: plan, repository: repository,
                        options: restoreOptions, logger: logger
                    ).run()
                    // What was actually checked, as the verification reported it ("not checked" where none could run).
                    let detail = result.collections.map { $0.checks.map(\.line).joined(separator: "; ") }
                        .joined(separator: " | ")
                    checks.append(.init(name: "restore and verify \(collection.name)", passed: true, detail: detail))
                    restored = await Int64(try target.nodes[0].client.countPoints(name, exact: true))
                    checks.append(
                        .init(
                            name: "exact count \(collection.name)", passed: restored == Int64(collection.pointsCount),
                            detail:
                                "\(restored.map(String.init) ?? "?") restored, \(collection.pointsCount) in the backup")
                    )
                } catch {
                    let message = redactor.redact(QSnapError.message(of: error))
                    checks.append(.init(name: "restore and verify \(collection.name)", passed: false, detail: message))
                    failure = failure ?? "restoring \(collection.name) failed: \(message)"
                }
                results.append(
                    .init(
                        name: collection.name, scratchName: name, expectedPoints: Int64(collection.pointsCount),
                        restoredPoints: restored))
                if failure != nil { break }
            }
            restoreFinished = Date()
        } catch {
            restoreFinished = Date()
            failure = failure ?? redactor.redact(QSnapError.message(of: error))
        }

        let cleanup = await cleanUp(client: client, token: token, scratch: scratch)
        return DrillReport(
            backupID: id, backupTime: backupTime, sourceVersion: manifest.source.qdrantVersion,
            target: targetURLs.map { SafeURL.display($0) }.joined(separator: ","), started: started,
            restoreStarted: restoreStarted, restoreFinished: restoreFinished, finished: Date(), collections: results,
            checks: checks, cleanup: cleanup, error: failure, cloudBackup: cloud)
    }

    /// The check of the Cloud Backups RPO: passed when the cluster has a SUCCEEDED backup.
    static func cloudCheck(_ cloud: CloudBackupRPO) -> DrillReport.Check {
        guard let rpo = cloud.rpoSeconds, let backupID = cloud.backupID else {
            return .init(
                name: "cloud backups RPO", passed: false,
                detail: "cluster \(cloud.clusterID) has no SUCCEEDED Qdrant Cloud backup")
        }
        let created = cloud.createdAt.map(UTCCivilTime.iso8601) ?? "?"
        return .init(
            name: "cloud backups RPO", passed: true,
            detail: "newest SUCCEEDED backup \(backupID) (\(cloud.displayName ?? "")) created \(created): "
                + "RPO \(CloudDuration.format(seconds: rpo)) (\(cloud.succeededBackups) SUCCEEDED)")
    }

    private func selectCollections(_ manifest: BackupManifest) throws -> [BackupManifest.Collection] {
        guard let wanted = options.collections, !wanted.isEmpty else { return manifest.collections }
        return try wanted.map { name in
            guard let c = manifest.collections.first(where: { $0.name == name }) else {
                throw QSnapError(
                    .drillCollection,
                    "backup \(manifest.id) has no collection \(name); it has: \(manifest.collections.map(\.name).joined(separator: ", "))"
                )
            }
            return c
        }
    }

    /// Deletes every scratch alias and collection of this drill (also any the target shows with this drill's
    /// prefix), retrying each deletion, then lists the target again to report what is left.
    private func cleanUp(client: QdrantClient?, token: String, scratch: [(name: String, alias: String)]) async
        -> DrillReport.Cleanup
    {
        let prefix = Self.scratchPrefix + token + "-"
        guard let client else {
            // The target was never reached, so nothing was created on it.
            return DrillReport.Cleanup(removed: [], leftover: scratch.map(\.name), failed: !scratch.isEmpty)
        }
        var removed: [String] = []
        var names = scratch.map(\.name)
        do {
            for a in try await client.listAliases() where a.aliasName.hasPrefix(prefix) {
                try? await client.updateAliases([.delete(alias: a.aliasName)])
            }
            for c in try await client.listCollections() where c.hasPrefix(prefix) && !names.contains(c) {
                names.append(c)
            }
        } catch {
            logger.warning("drill cleanup: listing the target failed: \(error); deleting the known scratch collections")
        }
        for name in names {
            for attempt in 1...options.cleanupAttempts {
                do {
                    if try await client.collectionExists(name) {
                        try await client.deleteCollection(name)
                        removed.append(name)
                        logger.notice("drill cleanup: removed \(name)")
                    }
                    break
                } catch {
                    logger.warning("drill cleanup: deleting \(name) failed (attempt \(attempt)): \(error)")
                    if attempt < options.cleanupAttempts { try? await Task.sleep(for: .seconds(Double(attempt))) }
                }
            }
        }
        do {
            let left = try await client.listCollections().filter { $0.hasPrefix(prefix) }.sorted()
            return DrillReport.Cleanup(removed: removed, leftover: left)
        } catch {
            logger.error("drill cleanup: cannot confirm the scratch collections are gone: \(error)")
            return DrillReport.Cleanup(removed: removed, leftover: names.filter { !removed.contains($0) }, failed: true)
        }
    }

    /// Parses the ISO 8601 times manifests carry (with or without fractions).
    static func date(_ text: String) -> Date? {
        if let d = UTCCivilTime.parseISO8601(text) { return d }
        let f = ISO8601DateFormatter()
        if let d = f.date(from: text) { return d }
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.date(from: text)
    }

    /// Writes the report as `drill-<backup id>-<time>.json` and `.md` into `directory` (each written to a
    /// temporary name and renamed); returns the two paths.
    public static func write(_ report: DrillReport, to directory: String) throws -> (json: String, markdown: String) {
        let stamp = UTCCivilTime.iso8601(report.started).replacingOccurrences(of: ":", with: "").replacingOccurrences(
            of: "-", with: "")
        let base = (directory as NSString).appendingPathComponent("drill-\(report.backupID)-\(stamp)")
        try MetricsTextfileWriter.writeAtomically(report.jsonData(), to: base + ".json")
        try MetricsTextfileWriter.writeAtomically(Data(report.markdown().utf8), to: base + ".md")
        return (base + ".json", base + ".md")
    }
}
