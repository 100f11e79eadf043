/// `qdrant.cloud.cluster.backup.v1.BackupStatus`, as its protojson name (`BACKUP_STATUS_SUCCEEDED`); names this
/// version does not know are kept as they came.
public struct CloudBackupStatus: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The enum value names, index = number (backup.proto).
    public static let names = [
        "BACKUP_STATUS_UNSPECIFIED", "BACKUP_STATUS_RUNNING", "BACKUP_STATUS_SKIPPED", "BACKUP_STATUS_FAILED",
        "BACKUP_STATUS_SUCCEEDED", "BACKUP_STATUS_FAILED_TO_SYNC", "BACKUP_STATUS_NOT_FOUND", "BACKUP_STATUS_UNKNOWN",
    ]
    /// The status is not set.
    public static let unspecified = Self(name: names[0])
    /// The backup is in progress.
    public static let running = Self(name: names[1])
    /// The backup was skipped: no suitable target.
    public static let skipped = Self(name: names[2])
    /// The backup failed.
    public static let failed = Self(name: names[3])
    /// The backup completed.
    public static let succeeded = Self(name: names[4])
    /// Syncing the backup in the cluster's region failed.
    public static let failedToSync = Self(name: names[5])
    /// The backup was expected but not found in the cluster's region.
    public static let notFound = Self(name: names[6])
    /// Hybrid Cloud only: the agent has not reported for a while, the real state is unknown.
    public static let unknown = Self(name: names[7])

    /// The protojson name.
    public let name: String

    /// A status by name.
    public init(name: String) { self.name = name }

    /// Decodes a name or a number.
    public init(from decoder: any Decoder) throws { name = try CloudEnumCoding.decode(decoder, names: Self.names) }

    /// Encodes the name.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(name)
    }

    /// The name without its prefix, e.g. `SUCCEEDED`.
    public var description: String { CloudEnumCoding.short(name, prefix: "BACKUP_STATUS_") }

    /// Waiting on a backup: RUNNING, UNSPECIFIED and UNKNOWN (hybrid, agent silent) may still turn into SUCCEEDED;
    /// SKIPPED, FAILED, FAILED_TO_SYNC and NOT_FOUND never will. An unknown name counts as in progress.
    public var phase: CloudOperationPhase {
        switch self {
        case .succeeded: return .succeeded
        case .skipped, .failed, .failedToSync, .notFound: return .failed
        default: return .inProgress
        }
    }
}
