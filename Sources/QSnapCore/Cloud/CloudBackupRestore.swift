import Foundation

/// `qdrant.cloud.cluster.backup.v1.BackupRestore` in protojson (every field read-only).
public struct CloudBackupRestore: Sendable, Equatable, Codable {
    /// The restore's UUID.
    public var id: String?
    /// When it was started, RFC 3339.
    public var createdAt: String?
    /// The account's UUID.
    public var accountID: String?
    /// The cluster restored into.
    public var clusterID: String?
    /// The backup restored.
    public var backupID: String?
    /// The status.
    public var status: CloudBackupRestoreStatus?
    /// When it was deleted, if it was.
    public var deletedAt: String?

    /// Creates a value.
    public init(
        id: String? = nil, createdAt: String? = nil, accountID: String? = nil, clusterID: String? = nil,
        backupID: String? = nil, status: CloudBackupRestoreStatus? = nil, deletedAt: String? = nil
    ) {
        self.id = id
        self.createdAt = createdAt
        self.accountID = accountID
        self.clusterID = clusterID
        self.backupID = backupID
        self.status = status
        self.deletedAt = deletedAt
    }

    enum CodingKeys: String, CodingKey {
        case id, createdAt, status, deletedAt
        case accountID = "accountId"
        case clusterID = "clusterId"
        case backupID = "backupId"
    }

    /// The status, UNSPECIFIED when absent.
    public var currentStatus: CloudBackupRestoreStatus { status ?? .unspecified }

    /// ``createdAt`` as a date, when present and well-formed.
    public var createdDate: Date? { createdAt.flatMap(CloudTimestamp.parse) }
}
