import ArgumentParser
import HTTP
import QSnap
import QSnapCore

/// `qsnap cloud schedule create`: a recurring Qdrant Cloud backup of a cluster.
struct CloudScheduleCreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create a Qdrant Cloud backup schedule (needs write:backup_schedules).",
        discussion: """
            Example:
              qsnap cloud schedule create --account-id $ACCOUNT --cluster-id $CLUSTER --schedule '0 3 * * *' \\
                --name nightly --retention 14d
            """)

    @OptionGroup var globals: GlobalOptions
    @OptionGroup var api: CloudAPIOptions

    @Option(help: "The cluster to back up (a UUID).")
    var clusterId: String

    @Option(help: "When: cron with 5 to 7 fields (UTC), @daily, @weekly…, or @every 6h.")
    var schedule: String

    @Option(help: "The schedule's name, stamped on its backups: 4 to 64 letters, digits, '-' or '_'.")
    var name: String

    @Option(help: "How long each backup is kept: 1d to 365d, e.g. 14d (default: until deleted).")
    var retention: String?

    func run() async throws {
        try await CommandRunner.run(globals) { logger in
            let request = CloudRequests.CreateBackupSchedule(
                clusterID: try CloudID.validate(clusterId, what: "--cluster-id"),
                schedule: try CloudScheduleExpression.validate(schedule),
                displayName: try CloudDisplayName.validate(name),
                retention: try retention.map { try CloudRetention(parsing: $0) })
            let client = try api.client(logger: logger)
            let created = try await client.createBackupSchedule(request)
            if globals.json {
                try JSONOutput.print(["backupSchedule": created])
            } else if !globals.quiet {
                print(CloudPrinter.line(created))
            }
        }
    }
}
