import ArgumentParser
import HTTP
import QSnap
import QSnapCore

/// `qsnap cloud backup list`: the account's (or a cluster's) Qdrant Cloud backups, every page.
struct CloudBackupListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List Qdrant Cloud backups (needs read:backups).",
        discussion: """
            Examples:
              qsnap cloud backup list --account-id $ACCOUNT --cluster-id $CLUSTER
              qsnap cloud backup list --account-id $ACCOUNT --json
            """)

    @OptionGroup var globals: GlobalOptions
    @OptionGroup var api: CloudAPIOptions

    @Option(help: "Only the backups of this cluster (a UUID).")
    var clusterId: String?

    @Option(help: "Only the backups taken by this backup schedule (a UUID).")
    var scheduleId: String?

    @Option(help: "Backups asked for per request (1–250); every page is read.")
    var pageSize: Int = 100

    func validate() throws {
        guard (1...250).contains(pageSize) else { throw ValidationError("--page-size must be 1 to 250") }
    }

    func run() async throws {
        try await CommandRunner.run(globals) { logger in
            let cluster = try clusterId.map { try CloudID.validate($0, what: "--cluster-id") }
            let schedule = try scheduleId.map { try CloudID.validate($0, what: "--schedule-id") }
            let (client, pageSize) = (try api.client(logger: logger), self.pageSize)
            let backups = try await client.listBackups(clusterID: cluster, scheduleID: schedule, pageSize: pageSize)
            if globals.json {
                try JSONOutput.print(["backups": backups])
            } else if !globals.quiet {
                if backups.isEmpty { print("no Qdrant Cloud backups\(cluster.map { " of cluster \($0)" } ?? "")") }
                for b in backups { print(CloudPrinter.line(b)) }
            }
        }
    }
}
