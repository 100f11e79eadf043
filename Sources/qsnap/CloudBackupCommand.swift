import ArgumentParser

/// `qsnap cloud backup`: list, create, get, delete and restore Qdrant Cloud backups.
struct CloudBackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Qdrant Cloud backups of a cluster: list, create, get, delete, restore in place.",
        subcommands: [
            CloudBackupListCommand.self,
            CloudBackupCreateCommand.self,
            CloudBackupGetCommand.self,
            CloudBackupDeleteCommand.self,
            CloudBackupRestoreCommand.self,
        ])
}
