import ArgumentParser
import HTTP
import QSnap
import QSnapCore

/// `qsnap cloud schedule delete ID`: deletes a backup schedule (and, when asked, the backups it took).
struct CloudScheduleDeleteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete",
        abstract: "Delete a Qdrant Cloud backup schedule (needs delete:backup_schedules).",
        discussion: """
            Example:
              qsnap cloud schedule delete $SCHEDULE --account-id $ACCOUNT --delete-backups
            """)

    @OptionGroup var globals: GlobalOptions

    @Argument(help: "The schedule id (a UUID).")
    var scheduleId: String

    @OptionGroup var api: CloudAPIOptions

    @Flag(help: "Delete the backups the schedule took as well (default: they stay until their retention ends).")
    var deleteBackups = false

    func run() async throws {
        try await CommandRunner.run(globals) { logger in
            let id = try CloudID.validate(scheduleId, what: "the schedule id")
            let (client, deleteBackups) = (try api.client(logger: logger), self.deleteBackups)
            try await client.deleteBackupSchedule(id, deleteBackups: deleteBackups)
            if globals.json {
                try JSONOutput.print(["deleted": id])
            } else if !globals.quiet {
                print("deleted Qdrant Cloud backup schedule \(id)\(deleteBackups ? " and its backups" : "")")
            }
        }
    }
}
