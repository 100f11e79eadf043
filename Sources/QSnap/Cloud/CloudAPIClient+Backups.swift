import QSnapCore

extension CloudAPIClient {
    /// ListBackups: every backup of the account, or of `clusterID`, following the pages.
    public func listBackups(clusterID: String? = nil, scheduleID: String? = nil, pageSize: Int = 100) async throws
        -> [CloudBackup]
    {
        var query: [(String, String)] = []
        if let clusterID { query.append(("clusterId", clusterID)) }
        if let scheduleID { query.append(("backupScheduleId", scheduleID)) }
        return try await listAll(
            CloudBackup.self, .listBackups, query: query, pageSize: pageSize,
            resourceID: clusterID.map { "cluster \($0)" })
    }

    /// GetBackup.
    public func getBackup(_ backupID: String) async throws -> CloudBackup {
        try await decode(BackupEnvelope.self, .getBackup, id: backupID).backup
    }

    /// CreateBackup: starts a backup of `clusterID`; the answer is usually still RUNNING.
    public func createBackup(clusterID: String, displayName: String, retention: CloudRetention?) async throws
        -> CloudBackup
    {
        let body = CloudRequests.CreateBackup(clusterID: clusterID, displayName: displayName, retention: retention)
        return try await decode(BackupEnvelope.self, .createBackup, body: body, resourceID: "cluster \(clusterID)")
            .backup
    }

    /// DeleteBackup; `force` (hybrid clusters only) drops it from the records without the agent's confirmation.
    public func deleteBackup(_ backupID: String, force: Bool = false) async throws {
        _ = try await call(.deleteBackup, id: backupID, query: force ? [("force", "true")] : [])
    }

    /// RestoreBackup: starts an in-place restore of the backup into its cluster (answer `{}`).
    public func restoreBackup(_ backupID: String) async throws {
        _ = try await call(.restoreBackup, id: backupID)
    }

    /// ListBackupRestores of the account, or of `clusterID`.
    public func listBackupRestores(clusterID: String? = nil, pageSize: Int = 100) async throws -> [CloudBackupRestore] {
        try await listAll(
            CloudBackupRestore.self, .listBackupRestores, query: clusterID.map { [("clusterId", $0)] } ?? [],
            pageSize: pageSize, resourceID: clusterID.map { "cluster \($0)" })
    }

    /// `{"backup": …}`.
    struct BackupEnvelope: Decodable, Sendable { var backup: CloudBackup }
}
