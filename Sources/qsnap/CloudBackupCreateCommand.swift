import ArgumentParser
import HTTP
import QSnap
import QSnapCore

/// `qsnap cloud backup create`: starts a Qdrant Cloud backup of a cluster and waits until it SUCCEEDS.
struct CloudBackupCreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract:
            "Back up a Qdrant Cloud cluster and wait until the backup SUCCEEDS (needs write:backups, read:backups).",
        discussion: """
            The backup is a volume snapshot of every node, taken by Qdrant Cloud. Without --no-wait the command \
            polls it until it is SUCCEEDED (exit 0), ends FAILED or SKIPPED (exit 1), or --timeout passes (exit 1; \
            the backup goes on).

            Examples:
              qsnap cloud backup create --account-id $ACCOUNT --cluster-id $CLUSTER --name before-upgrade --retention 7d
              qsnap cloud backup create --account-id $ACCOUNT --cluster-id $CLUSTER --name adhoc-1 --no-wait --json
            """)

    @OptionGroup var globals: GlobalOptions
    @OptionGroup var api: CloudAPIOptions

    @Option(help: "The cluster to back up (a UUID).")
    var clusterId: String

    @Option(help: "The backup's display name: 4 to 64 letters, digits, '-' or '_'.")
    var name: String

    @Option(help: "How long Qdrant Cloud keeps it: 1d to 365d, e.g. 7d or 168h (default: until deleted).")
    var retention: String?

    @OptionGroup var waitFlags: CloudWaitFlags

    func run() async throws {
        try await CommandRunner.run(globals) { logger in
            let cluster = try CloudID.validate(clusterId, what: "--cluster-id")
            let name = try CloudDisplayName.validate(self.name)
            let retention = try self.retention.map { try CloudRetention(parsing: $0) }
            let wait = try waitFlags.options()
            let client = try api.client(logger: logger)
            let created = try await client.createBackup(clusterID: cluster, displayName: name, retention: retention)
            logger.notice(
                "backup \(created.id ?? "?") (\(name)) of cluster \(cluster) started: \(created.currentStatus)")
            var backup = created
            if let wait, let id = created.id, created.currentStatus != .succeeded {
                backup = try await CloudOperationWaiter(client: client, options: wait, logger: logger).backup(id)
            }
            if globals.json {
                try JSONOutput.print(["backup": backup])
            } else if !globals.quiet {
                print(CloudPrinter.line(backup))
            }
        }
    }
}
