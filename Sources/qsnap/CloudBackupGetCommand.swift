import ArgumentParser
import HTTP
import QSnap
import QSnapCore

/// `qsnap cloud backup get ID`: one Qdrant Cloud backup.
struct CloudBackupGetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "get",
        abstract: "Show one Qdrant Cloud backup (needs read:backups).",
        discussion: """
            Example:
              qsnap cloud backup get $BACKUP --account-id $ACCOUNT --json
            """)

    @OptionGroup var globals: GlobalOptions

    @Argument(help: "The backup id (a UUID).")
    var backupId: String

    @OptionGroup var api: CloudAPIOptions

    func run() async throws {
        try await CommandRunner.run(globals) { logger in
            let id = try CloudID.validate(backupId, what: "the backup id")
            let client = try api.client(logger: logger)
            let backup = try await client.getBackup(id)
            if globals.json {
                try JSONOutput.print(["backup": backup])
            } else if !globals.quiet {
                print(CloudPrinter.line(backup))
            }
        }
    }
}
