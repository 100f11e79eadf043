import Foundation

/// `qdrant.cloud.cluster.backup.v1.Backup` in protojson: lowerCamelCase keys, the status as its enum name,
/// timestamps as RFC 3339 text, durations as `"<n>s"`.
///
/// Every field is optional: the gateway may leave unset fields out or send them as `null` or `""`. Fields qsnap
/// does not interpret (`clusterInfo`, `price`, whose int64 prices are JSON strings) are kept verbatim, so
/// `--json` output shows what the API sent. Encoding writes only the fields that are set, which is also how a
/// create request carries just `clusterId`, `displayName` and `retentionPeriod`.
public struct CloudBackup: Sendable, Equatable, Codable {
    /// The backup's UUID (read-only).
    public var id: String?
    /// When it was created, RFC 3339 (read-only).
    public var createdAt: String?
    /// The account's UUID.
    public var accountID: String?
    /// The cluster's UUID.
    public var clusterID: String?
    /// The generated name the platform stores it under (read-only).
    public var name: String?
    /// The status (read-only).
    public var status: CloudBackupStatus?
    /// When it was deleted, or deletion started (read-only).
    public var deletedAt: String?
    /// How long taking it took, e.g. `"312s"` (read-only).
    public var backupDuration: String?
    /// The schedule that took it, if any (read-only).
    public var backupScheduleID: String?
    /// How long it is kept, e.g. `"604800s"`; absent = forever.
    public var retentionPeriod: String?
    /// The cluster's name, provider, region and configuration at backup time (read-only, kept verbatim).
    public var clusterInfo: JSONValue?
    /// The human-readable name.
    public var displayName: String?
    /// What keeping it costs (read-only, kept verbatim).
    public var price: JSONValue?

    /// Creates a backup value; for a create request set `clusterID`, `displayName` and `retentionPeriod` only.
    public init(
        id: String? = nil, createdAt: String? = nil, accountID: String? = nil, clusterID: String? = nil,
        name: String? = nil, status: CloudBackupStatus? = nil, deletedAt: String? = nil,
        backupDuration: String? = nil, backupScheduleID: String? = nil, retentionPeriod: String? = nil,
        clusterInfo: JSONValue? = nil, displayName: String? = nil, price: JSONValue? = nil
    ) {
        self.id = id
        self.createdAt = createdAt
        self.accountID = accountID
        self.clusterID = clusterID
        self.name = name
        self.status = status
        self.deletedAt = deletedAt
        self.backupDuration = backupDuration
        self.backupScheduleID = backupScheduleID
        self.retentionPeriod = retentionPeriod
        self.clusterInfo = clusterInfo
        self.displayName = displayName
        self.price = price
    }

    enum CodingKeys: String, CodingKey {
        case id, createdAt, name, status, deletedAt, backupDuration, retentionPeriod, clusterInfo, displayName, price
        case accountID = "accountId"
        case clusterID = "clusterId"
        case backupScheduleID = "backupScheduleId"
    }

    /// The status, UNSPECIFIED when absent.
    public var currentStatus: CloudBackupStatus { status ?? .unspecified }

    /// ``createdAt`` as a date, when present and well-formed.
    public var createdDate: Date? { createdAt.flatMap(CloudTimestamp.parse) }

    /// ``retentionPeriod`` in seconds, when set.
    public var retentionSeconds: Double? { retentionPeriod.flatMap(CloudDuration.parseProtoJSON) }

    /// The name to show: the display name, else the generated name, else the id.
    public var label: String {
        for candidate in [displayName, name, id] { if let c = candidate, !c.isEmpty { return c } }
        return "?"
    }
}
