import ArgumentParser
import HTTP
import QSnap
import QSnapCore

/// `qsnap cloud schedule update ID`: changes a backup schedule's timing, retention or name (PUT with a field mask:
/// what is not given stays as it is).
struct CloudScheduleUpdateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "update",
        abstract: "Change a Qdrant Cloud backup schedule (needs write:backup_schedules).",
        discussion: """
            Only the settings given change (the request carries an updateMask).

            Example:
              qsnap cloud schedule update $SCHEDULE --account-id $ACCOUNT --cluster-id $CLUSTER --schedule '0 */6 * * *'
            """)

    @OptionGroup var globals: GlobalOptions

    @Argument(help: "The schedule id (a UUID).")
    var scheduleId: String

    @OptionGroup var api: CloudAPIOptions

    @Option(help: "The schedule's cluster (a UUID).")
    var clusterId: String

    @Option(help: "New timing: cron with 5 to 7 fields (UTC), @daily…, or @every 6h.")
    var schedule: String?

    @Option(help: "New retention of its backups: 1d to 365d.")
    var retention: String?

    @Option(help: "New name: 4 to 64 letters, digits, '-' or '_'.")
    var name: String?

    func run() async throws {
        try await CommandRunner.run(globals) { logger in
            let request = try CloudRequests.UpdateBackupSchedule(
                id: try CloudID.validate(scheduleId, what: "the schedule id"),
                clusterID: try CloudID.validate(clusterId, what: "--cluster-id"),
                schedule: try schedule.map { try CloudScheduleExpression.validate($0) },
                retention: try retention.map { try CloudRetention(parsing: $0) },
                displayName: try name.map { try CloudDisplayName.validate($0) })
            let client = try api.client(logger: logger)
            let updated = try await client.updateBackupSchedule(request)
            if globals.json {
                try JSONOutput.print(["backupSchedule": updated])
            } else if !globals.quiet {
                print(CloudPrinter.line(updated))
            }
        }
    }
}
