import QSnapCore

extension CloudAPIClient {
    /// ListBackups: every backup of the account, or of `clusterID`, following the pages.
    public func listBackups(clusterID: String? = nil, scheduleID: String? = nil, pageSize: Int = 100) throws
        -> [CloudBackup]
    {
        var query: [(String, String)] = []
        if let clusterID { query.append(("clusterId", clusterID)) }
        if let scheduleID { query.append(("backupScheduleId", scheduleID)) }
        return try listAll(
            CloudBackup.self, .listBackups, query: query, pageSize: pageSize,
            resourceID: clusterID.map { "cluster \($0)" })
    }

    /// GetBackup.
    public func getBackup(_ backupID: String) throws -> CloudBackup {
        try decode(BackupEnvelope.self, .getBackup, id: backupID).backup
    }

    /// CreateBackup: starts a backup of `clusterID`; the answer is usually still RUNNING.
    public func createBackup(clusterID: String, displayName: String, retention: CloudRetention?) throws -> CloudBackup {
        let body = CloudRequests.CreateBackup(clusterID: clusterID, displayName: displayName, retention: retention)
        return try decode(BackupEnvelope.self, .createBackup, body: body, resourceID: "cluster \(clusterID)").backup
    }

    /// DeleteBackup; `force` (hybrid clusters only) drops it from the records without the agent's confirmation.
    public func deleteBackup(_ backupID: String, force: Bool = false) throws {
        _ = try call(.deleteBackup, id: backupID, query: force ? [("force", "true")] : [])
    }

    /// RestoreBackup: starts an in-place restore of the backup into its cluster (answer `{}`).
    public func restoreBackup(_ backupID: String) throws {
        _ = try call(.restoreBackup, id: backupID)
    }

    /// ListBackupRestores of the account, or of `clusterID`.
    public func listBackupRestores(clusterID: String? = nil, pageSize: Int = 100) throws -> [CloudBackupRestore] {
        try listAll(
            CloudBackupRestore.self, .listBackupRestores, query: clusterID.map { [("clusterId", $0)] } ?? [],
            pageSize: pageSize, resourceID: clusterID.map { "cluster \($0)" })
    }

    /// `{"backup": …}`.
    struct BackupEnvelope: Decodable, Sendable { var backup: CloudBackup }
}
