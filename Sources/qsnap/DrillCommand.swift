import ArgumentParser
import Foundation
import HTTP
import Logging
import QSnap
import QSnapCore
import Qdrant

/// `qsnap drill`: restore a backup into scratch collections, verify, measure RTO and RPO, report, clean up.
struct DrillCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "drill",
        abstract: "Disaster-recovery drill: restore a backup into scratch collections, verify, report, clean up.",
        discussion: """
            Restores the latest (or the chosen) backup into scratch collections named qsnap-drill-<token>-…
            on the target, verifies them as qsnap restore does (exact counts, shard states, sampled points, a
            query), measures RTO (restore wall time) and RPO (age of the backup when the drill started), writes
            the report as JSON and Markdown into --report-dir, and always deletes the scratch collections, also
            when the drill fails. The backup's aliases are never touched on the target.

            With --cloud-backups --account-id A --cluster-id C the report also states the Qdrant Cloud Backups \
            RPO: the age of cluster C's newest SUCCEEDED Cloud backup at drill start (key from \
            QDRANT_CLOUD_API_KEY, read:backups); a cluster without one fails the drill's check.

            Exit codes: 0 the drill passed, 4 a check failed or cleanup left something behind, 1 other failures,
            3 the Cloud management key was refused or lacks read:backups.

            Examples:
              qsnap drill --repo s3://bucket/qdrant --target http://dr-qdrant:6333 --report-dir ./drills
              qsnap drill --repo ./backups --target http://n1:6333,http://n2:6333 --backup 20261121T030000Z-1a2b3c
              qsnap drill --repo s3://bucket/qdrant --target http://dr:6333 --cloud-backups \
                --account-id $ACCOUNT --cluster-id $CLUSTER
            """)

    @OptionGroup var globals: GlobalOptions

    @Option(
        help: "The repository: a directory, file:///path, or s3://bucket/prefix.",
        transform: RepositoryLocation.init(parsing:))
    var repo: RepositoryLocation

    @Option(help: "REST URL(s) of every node of the target deployment, comma-separated.")
    var target: String

    @Option(help: "The backup id, or 'latest'.")
    var backup: String = "latest"

    @Option(name: .customLong("collection"), help: "A collection to drill (repeatable; default: all).")
    var collections: [String] = []

    @Option(help: "Directory for the report files (drill-<id>-<time>.json and .md).")
    var reportDir: String = "."

    @Option(help: "Api key or JWT of the target (default: the variable named by --target-api-key-env).")
    var apiKey: String?

    @Option(help: "The environment variable holding the target's api key or JWT.")
    var targetApiKeyEnv: String = "QDRANT_API_KEY"

    @OptionGroup var connectionOptions: QdrantConnectionOptions

    @OptionGroup var s3: RepositoryOptions

    @Flag(help: "Also report the Qdrant Cloud Backups RPO of --cluster-id (needs --account-id, QDRANT_CLOUD_API_KEY).")
    var cloudBackups = false

    @Option(help: "With --cloud-backups: the Qdrant Cloud account id (a UUID).")
    var accountId: String?

    @Option(help: "With --cloud-backups: the Qdrant Cloud cluster id (a UUID).")
    var clusterId: String?

    @OptionGroup var cloudEndpoint: CloudEndpointOptions

    func validate() throws {
        if cloudBackups, accountId == nil || clusterId == nil {
            throw ValidationError("--cloud-backups needs --account-id and --cluster-id")
        }
        if !cloudBackups, accountId != nil || clusterId != nil {
            throw ValidationError("--account-id and --cluster-id go with --cloud-backups")
        }
    }

    /// The Cloud Backups probe, with --cloud-backups.
    func cloudProbe(logger: Logger) throws -> CloudBackupRPOProbe? {
        guard cloudBackups, let accountId, let clusterId else { return nil }
        let client = try cloudEndpoint.client(
            accountID: try CloudID.validate(accountId, what: "--account-id"), logger: logger)
        return CloudBackupRPOProbe(client: client, clusterID: try CloudID.validate(clusterId, what: "--cluster-id"))
    }

    func run() async throws {
        try await CommandRunner.run(globals) { logger in
            let urls = target.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }
            guard !urls.isEmpty else {
                throw QSnapError(.drillTarget, "give the target with --target URL[,URL…]")
            }
            let connection = try connectionOptions.connection(apiKey: apiKey, keyEnv: targetApiKeyEnv)
            let options = DrillRunner.Options(
                backup: backup, collections: collections.isEmpty ? nil : collections,
                cloudBackups: try cloudProbe(logger: logger))
            let repository = try await s3.open(repo, logger: logger)
            let report = try await DrillRunner(
                repository: repository, targetURLs: urls, connection: connection, options: options, logger: logger
            ).run()
            let paths = try DrillRunner.write(report, to: reportDir)
            if globals.json {
                FileHandle.standardOutput.write(report.jsonData())
            } else if !globals.quiet {
                print("drill of backup \(report.backupID): \(report.passed ? "PASSED" : "FAILED")")
                print(
                    String(format: "RTO %.3f s, RPO %.3f s", report.rtoSeconds, report.rpoSeconds)
                        + "; cleanup \(report.cleanup.status.rawValue)")
                if let cloud = report.cloudBackup { print(Self.cloudLine(cloud)) }
                print("report: \(paths.json), \(paths.markdown)")
            }
            guard report.passed else {
                let why =
                    report.error
                    ?? (report.cleanup.status != .complete
                        ? "scratch collections left on the target: \(report.cleanup.leftover.joined(separator: ", "))"
                        : "a check failed")
                // The report is already on stdout with --json; print only the message and exit.
                let error = QSnapError(
                    .drillFailed,
                    "the drill of backup \(report.backupID) failed: \(why); see \(paths.markdown)")
                FileHandle.standardError.write(Data("qsnap: error: \(error.description)\n".utf8))
                throw ExitCode(error.code.category.exitStatus)
            }
        }
    }

    /// The human line of the Cloud Backups RPO.
    static func cloudLine(_ cloud: CloudBackupRPO) -> String {
        guard let rpo = cloud.rpoSeconds, let id = cloud.backupID else {
            return "Cloud Backups RPO: no SUCCEEDED Qdrant Cloud backup of cluster \(cloud.clusterID)"
        }
        let created = cloud.createdAt.map(UTCCivilTime.iso8601) ?? "?"
        return String(format: "Cloud Backups RPO %.3f s", rpo)
            + " (\(CloudDuration.format(seconds: rpo))): backup \(id) "
            + "(\(cloud.displayName ?? "")) of cluster \(cloud.clusterID), created \(created)"
    }
}
