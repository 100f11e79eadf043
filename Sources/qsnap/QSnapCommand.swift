import ArgumentParser
import QSnap
import QSnapCore

/// The root `qsnap` command.
struct QSnapCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "qsnap",
        abstract: "Safe, boring snapshots and backups for Qdrant.",
        discussion: """
            Examples:
              qsnap inspect ./prod-123-2026-11-21-10-00-00.snapshot
              qsnap inspect --json --checksum 3f2a… snapshot.tar.gz
              curl -s http://node:6333/collections/c/snapshots/x.snapshot | qsnap inspect -

            Exit codes: 0 ok, 1 failure, 2 usage, 3 refused by a safety or compatibility check,
            4 verification failed, 5 repository locked by another run,
            6 the password opens none of an encrypted repository's keys.
            """,
        version: QSnapInfo.version,
        subcommands: [
            InspectCommand.self,
            BackupCommand.self,
            ListCommand.self,
            ShowCommand.self,
            VerifyCommand.self,
            AdviseCommand.self,
            RepoCommand.self,
            CheckCommand.self,
            RestoreCommand.self,
            AliasCommand.self,
            SnapshotCommand.self,
            PruneCommand.self,
            ForgetCommand.self,
            TagCommand.self,
            UntagCommand.self,
            PinCommand.self,
            UnpinCommand.self,
            RunCommand.self,
            DrillCommand.self,
            MigrateCommand.self,
            DoctorCommand.self,
            KeyCommand.self,
            CloudCommand.self,
        ]
    )
}
