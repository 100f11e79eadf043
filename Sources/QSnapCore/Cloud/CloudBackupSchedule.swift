/// `qdrant.cloud.cluster.backup.v1.BackupSchedule` in protojson. Encoding writes only the fields that are set:
/// a create request carries `clusterId`, `schedule`, `displayName` and `retentionPeriod`.
public struct CloudBackupSchedule: Sendable, Equatable, Codable {
    /// The schedule's UUID (read-only).
    public var id: String?
    /// When it was created (read-only).
    public var createdAt: String?
    /// The account's UUID.
    public var accountID: String?
    /// The cluster's UUID.
    public var clusterID: String?
    /// Cron (5–7 fields), `@daily`… or `@every 6h`.
    public var schedule: String?
    /// How long each backup it takes is kept, e.g. `"604800s"`; absent = forever.
    public var retentionPeriod: String?
    /// When it was deleted (read-only).
    public var deletedAt: String?
    /// The status.
    public var status: CloudBackupScheduleStatus?
    /// The name stamped onto every backup it takes.
    public var displayName: String?

    /// Creates a value.
    public init(
        id: String? = nil, createdAt: String? = nil, accountID: String? = nil, clusterID: String? = nil,
        schedule: String? = nil, retentionPeriod: String? = nil, deletedAt: String? = nil,
        status: CloudBackupScheduleStatus? = nil, displayName: String? = nil
    ) {
        self.id = id
        self.createdAt = createdAt
        self.accountID = accountID
        self.clusterID = clusterID
        self.schedule = schedule
        self.retentionPeriod = retentionPeriod
        self.deletedAt = deletedAt
        self.status = status
        self.displayName = displayName
    }

    enum CodingKeys: String, CodingKey {
        case id, createdAt, schedule, retentionPeriod, deletedAt, status, displayName
        case accountID = "accountId"
        case clusterID = "clusterId"
    }

    /// ``retentionPeriod`` in seconds, when set.
    public var retentionSeconds: Double? { retentionPeriod.flatMap(CloudDuration.parseProtoJSON) }
}
