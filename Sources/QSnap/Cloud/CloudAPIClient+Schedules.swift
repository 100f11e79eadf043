import QSnapCore

extension CloudAPIClient {
    /// ListBackupSchedules of the account, or of `clusterID`.
    public func listBackupSchedules(clusterID: String? = nil, pageSize: Int = 100) async throws -> [CloudBackupSchedule]
    {
        try await listAll(
            CloudBackupSchedule.self, .listBackupSchedules, query: clusterID.map { [("clusterId", $0)] } ?? [],
            pageSize: pageSize, resourceID: clusterID.map { "cluster \($0)" })
    }

    /// CreateBackupSchedule.
    public func createBackupSchedule(_ request: CloudRequests.CreateBackupSchedule) async throws -> CloudBackupSchedule
    {
        try await decode(
            ScheduleEnvelope.self, .createBackupSchedule, body: request,
            resourceID: "cluster \(request.backupSchedule.clusterID ?? "?")"
        ).backupSchedule
    }

    /// UpdateBackupSchedule with a field mask (PUT; only the masked fields change).
    public func updateBackupSchedule(_ request: CloudRequests.UpdateBackupSchedule) async throws -> CloudBackupSchedule
    {
        try await decode(ScheduleEnvelope.self, .updateBackupSchedule, id: request.id, body: request).backupSchedule
    }

    /// DeleteBackupSchedule; `deleteBackups` deletes the backups it took as well.
    public func deleteBackupSchedule(_ scheduleID: String, deleteBackups: Bool = false) async throws {
        _ = try await call(
            .deleteBackupSchedule, id: scheduleID, query: deleteBackups ? [("deleteBackups", "true")] : [])
    }

    /// `{"backupSchedule": …}`.
    struct ScheduleEnvelope: Decodable, Sendable { var backupSchedule: CloudBackupSchedule }
}
