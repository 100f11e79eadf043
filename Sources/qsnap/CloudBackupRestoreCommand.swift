import ArgumentParser
import HTTP
import QSnap
import QSnapCore

/// `qsnap cloud backup restore ID --yes`: restores a Qdrant Cloud backup in place and waits for the restore.
struct CloudBackupRestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Restore a Qdrant Cloud backup in place into its cluster (needs restore:backups, read:backups).",
        discussion: """
            The cluster is unavailable while it is restored and comes back as it was at backup time: data, node \
            count, CPU, memory and Qdrant version; every change since is lost. Hence --yes. The backup must be \
            SUCCEEDED. Without --no-wait the command polls the restore (ListBackupRestores of the cluster) until \
            it is SUCCEEDED (exit 0), ends FAILED or SKIPPED (exit 1), or --timeout passes (exit 1).

            Example:
              qsnap cloud backup restore $BACKUP --account-id $ACCOUNT --cluster-id $CLUSTER --yes
            """)

    @OptionGroup var globals: GlobalOptions

    @Argument(help: "The backup id (a UUID).")
    var backupId: String

    @OptionGroup var api: CloudAPIOptions

    @Option(help: "The cluster expected to be restored (a UUID): refused when the backup belongs to another one.")
    var clusterId: String?

    @Flag(help: "Confirm the in-place restore (the cluster is reverted and unavailable meanwhile).")
    var yes = false

    @OptionGroup var waitFlags: CloudWaitFlags

    func run() async throws {
        try await CommandRunner.run(globals) { logger in
            let id = try CloudID.validate(backupId, what: "the backup id")
            let cluster = try clusterId.map { try CloudID.validate($0, what: "--cluster-id") }
            let wait = try waitFlags.options()
            let (client, confirmed) = (try api.client(logger: logger), yes)
            let restorer = CloudBackupRestorer(client: client, logger: logger)
            let backup = try await restorer.check(id, expectedClusterID: cluster)
            guard confirmed else {
                throw QSnapError(
                    .cloudRestoreUnconfirmed,
                    "restoring backup \(id) (\(backup.label), created \(backup.createdAt ?? "?")) reverts cluster "
                        + "\(backup.clusterID ?? "?") to that moment and takes it down meanwhile; every change "
                        + "since is lost. Rerun with --yes to restore it.")
            }
            let outcome = try await restorer.restore(backup, wait: wait)
            if globals.json {
                try JSONOutput.print(outcome)
            } else if !globals.quiet {
                if let restore = outcome.restore {
                    print(CloudPrinter.line(restore))
                } else {
                    print("restore of backup \(id) into cluster \(outcome.backup.clusterID ?? "?") started")
                }
            }
        }
    }
}
