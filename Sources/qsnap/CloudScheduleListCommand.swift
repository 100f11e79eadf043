import ArgumentParser
import HTTP
import QSnap
import QSnapCore

/// `qsnap cloud schedule list`: the account's (or a cluster's) backup schedules.
struct CloudScheduleListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List Qdrant Cloud backup schedules (needs read:backup_schedules).",
        discussion: """
            Example:
              qsnap cloud schedule list --account-id $ACCOUNT --cluster-id $CLUSTER
            """)

    @OptionGroup var globals: GlobalOptions
    @OptionGroup var api: CloudAPIOptions

    @Option(help: "Only the schedules of this cluster (a UUID).")
    var clusterId: String?

    @Option(help: "Schedules asked for per request (1–250); every page is read.")
    var pageSize: Int = 100

    func validate() throws {
        guard (1...250).contains(pageSize) else { throw ValidationError("--page-size must be 1 to 250") }
    }

    func run() async throws {
        try await CommandRunner.run(globals) { logger in
            let cluster = try clusterId.map { try CloudID.validate($0, what: "--cluster-id") }
            let (client, pageSize) = (try api.client(logger: logger), self.pageSize)
            let schedules = try await client.listBackupSchedules(clusterID: cluster, pageSize: pageSize)
            if globals.json {
                try JSONOutput.print(["backupSchedules": schedules])
            } else if !globals.quiet {
                if schedules.isEmpty {
                    print("no Qdrant Cloud backup schedules\(cluster.map { " of cluster \($0)" } ?? "")")
                }
                for s in schedules { print(CloudPrinter.line(s)) }
            }
        }
    }
}
