import ArgumentParser

/// `qsnap cloud`: Qdrant Cloud Backups through the Cloud management API.
struct CloudCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cloud",
        abstract: "Qdrant Cloud Backups and backup schedules, through the Qdrant Cloud management API.",
        discussion: """
            The management key is read from QDRANT_CLOUD_API_KEY only (sent as "Authorization: apikey …", never \
            printed or logged). Each command names the permission it needs: read:backups, write:backups, \
            delete:backups, restore:backups, read:backup_schedules, write:backup_schedules, \
            delete:backup_schedules.

            Examples:
              qsnap cloud backup create --account-id $ACCOUNT --cluster-id $CLUSTER --name before-upgrade --retention 7d
              qsnap cloud backup list --account-id $ACCOUNT --cluster-id $CLUSTER
              qsnap cloud backup restore $BACKUP --account-id $ACCOUNT --yes
              qsnap cloud schedule create --account-id $ACCOUNT --cluster-id $CLUSTER --schedule '0 3 * * *' \\
                --name nightly --retention 14d

            Exit codes: 0 ok, 1 failure (network, server error, a backup or restore that ended FAILED or SKIPPED, \
            --timeout reached), 2 usage (bad id, name, retention or schedule; no key; backup, schedule or cluster \
            not found), 3 refused (the key was refused or lacks the permission; a restore without --yes; a backup \
            that is not SUCCEEDED).
            """,
        subcommands: [CloudBackupCommand.self, CloudScheduleCommand.self])
}
