import Logging
import QSnapCore

/// Restores a Qdrant Cloud backup **in place** into the cluster it was taken from (RestoreBackup), then waits
/// for the restore: the cluster goes down meanwhile and comes back with the backup's data, node count, resources
/// and Qdrant version.
public struct CloudBackupRestorer: Sendable {
    /// The outcome: the backup restored and, when waited for, the finished restore.
    public struct Outcome: Sendable, Encodable {
        /// The backup.
        public var backup: CloudBackup
        /// The restore (SUCCEEDED), or `nil` without `--wait`.
        public var restore: CloudBackupRestore?
    }

    private let client: CloudAPIClient
    private let logger: Logger

    /// Creates a restorer.
    public init(client: CloudAPIClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// The backup to restore, checked: it exists, is SUCCEEDED and belongs to `expectedClusterID` when given.
    /// - Throws: `usage("cloud.not-found")`, `usage("cloud.cluster-mismatch")`, `refused("cloud.backup-not-ready")`.
    public func check(_ backupID: String, expectedClusterID: String?) async throws -> CloudBackup {
        let backup = try await client.getBackup(backupID)
        if let expectedClusterID, let cluster = backup.clusterID, cluster.lowercased() != expectedClusterID.lowercased()
        {
            throw QSnapError(
                .cloudClusterMismatch,
                "backup \(backupID) belongs to cluster \(cluster), not \(expectedClusterID) (--cluster-id): a backup "
                    + "restores only into its own cluster")
        }
        guard backup.currentStatus == .succeeded else {
            throw QSnapError(
                .cloudBackupNotReady,
                "backup \(backupID) (\(backup.label)) is \(backup.currentStatus): only a SUCCEEDED backup can be restored"
            )
        }
        return backup
    }

    /// Starts the restore of the checked `backup` and, with `wait`, waits for it to succeed.
    public func restore(_ backup: CloudBackup, wait: CloudWaitOptions?) async throws -> Outcome {
        guard let backupID = backup.id, let clusterID = backup.clusterID else {
            throw QSnapError(.cloudResponse, "Qdrant Cloud sent a backup without id or cluster id")
        }
        let earlier = await wait == nil ? [] : Set(try client.listBackupRestores(clusterID: clusterID).compactMap(\.id))
        logger.notice("restoring backup \(backupID) (\(backup.label)) into cluster \(clusterID) in place")
        try await client.restoreBackup(backupID)
        guard let wait else { return Outcome(backup: backup, restore: nil) }
        let restore = try await CloudOperationWaiter(client: client, options: wait, logger: logger)
            .restore(of: backupID, clusterID: clusterID, earlier: earlier)
        return Outcome(backup: backup, restore: restore)
    }
}
