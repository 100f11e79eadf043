/// Request bodies of the BackupService RPCs that take one (`body: "*"`; the account id travels in the path).
public enum CloudRequests {
    /// `CreateBackupRequest`: `{"backup": {"clusterId", "displayName", "retentionPeriod"}}`.
    public struct CreateBackup: Sendable, Encodable {
        /// The backup to create (only the settable fields).
        public var backup: CloudBackup

        /// A request for `clusterID`, named `displayName`, kept for `retention` (`nil`: forever).
        public init(clusterID: String, displayName: String, retention: CloudRetention?) {
            backup = CloudBackup(clusterID: clusterID, retentionPeriod: retention?.protoJSON, displayName: displayName)
        }
    }

    /// `CreateBackupScheduleRequest`: `{"backupSchedule": {"clusterId", "schedule", "displayName", "retentionPeriod"}}`.
    public struct CreateBackupSchedule: Sendable, Encodable {
        /// The schedule to create.
        public var backupSchedule: CloudBackupSchedule

        /// A request for `clusterID`.
        public init(clusterID: String, schedule: String, displayName: String, retention: CloudRetention?) {
            backupSchedule = CloudBackupSchedule(
                clusterID: clusterID, schedule: schedule, retentionPeriod: retention?.protoJSON,
                displayName: displayName)
        }
    }

    /// `UpdateBackupScheduleRequest` with a field mask: only the fields given change; the gateway merges them onto
    /// the current schedule (the RPC's `patch_source`, which needs `clusterId`, `id` and the account in the path).
    public struct UpdateBackupSchedule: Sendable, Encodable {
        /// The schedule's id: in the path (`backup_schedule.id`), not in the body.
        public var id: String
        /// The schedule: its cluster plus the fields to change.
        public var backupSchedule: CloudBackupSchedule
        /// The protojson `FieldMask`: lowerCamelCase paths joined by commas, e.g. `schedule,retentionPeriod`.
        public var updateMask: String

        /// A request changing the non-`nil` fields of schedule `id` of `clusterID`.
        /// - Throws: `usage("cloud.schedule-update")` when nothing would change.
        public init(id: String, clusterID: String, schedule: String?, retention: CloudRetention?, displayName: String?)
            throws
        {
            self.id = id
            backupSchedule = CloudBackupSchedule(
                clusterID: clusterID, schedule: schedule, retentionPeriod: retention?.protoJSON,
                displayName: displayName)
            var paths: [String] = []
            if schedule != nil { paths.append("schedule") }
            if retention != nil { paths.append("retentionPeriod") }
            if displayName != nil { paths.append("displayName") }
            guard !paths.isEmpty else {
                throw QSnapError(
                    .cloudScheduleUpdate,
                    "nothing to update: give --schedule, --retention and/or --name")
            }
            updateMask = paths.joined(separator: ",")
        }

        enum CodingKeys: String, CodingKey { case backupSchedule, updateMask }
    }
}
