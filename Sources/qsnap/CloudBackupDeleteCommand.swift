import ArgumentParser
import HTTP
import QSnap
import QSnapCore

/// `qsnap cloud backup delete ID`: deletes a Qdrant Cloud backup.
struct CloudBackupDeleteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete",
        abstract: "Delete a Qdrant Cloud backup (needs delete:backups).",
        discussion: """
            Example:
              qsnap cloud backup delete $BACKUP --account-id $ACCOUNT
            """)

    @OptionGroup var globals: GlobalOptions

    @Argument(help: "The backup id (a UUID).")
    var backupId: String

    @OptionGroup var api: CloudAPIOptions

    @Flag(
        help:
            "Hybrid Cloud only: drop the backup from the records without the agent confirming that its storage was deleted (clean the object storage by hand). Ignored for managed clusters."
    )
    var force = false

    func run() async throws {
        try await CommandRunner.run(globals) { logger in
            let id = try CloudID.validate(backupId, what: "the backup id")
            let (client, force) = (try api.client(logger: logger), self.force)
            try await client.deleteBackup(id, force: force)
            if globals.json {
                try JSONOutput.print(["deleted": id])
            } else if !globals.quiet {
                print("deleted Qdrant Cloud backup \(id)")
            }
        }
    }
}
