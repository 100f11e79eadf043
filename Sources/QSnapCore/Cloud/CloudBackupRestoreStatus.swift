/// `qdrant.cloud.cluster.backup.v1.BackupRestoreStatus`, as its protojson name (`BACKUP_RESTORE_STATUS_RUNNING`).
public struct CloudBackupRestoreStatus: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The enum value names, index = number (backup.proto).
    public static let names = [
        "BACKUP_RESTORE_STATUS_UNSPECIFIED", "BACKUP_RESTORE_STATUS_RUNNING", "BACKUP_RESTORE_STATUS_FAILED",
        "BACKUP_RESTORE_STATUS_SUCCEEDED", "BACKUP_RESTORE_STATUS_FAILED_TO_SYNC", "BACKUP_RESTORE_STATUS_NOT_FOUND",
        "BACKUP_RESTORE_STATUS_SKIPPED",
    ]
    /// The status is not set.
    public static let unspecified = Self(name: names[0])
    /// The restore is running.
    public static let running = Self(name: names[1])
    /// The restore failed.
    public static let failed = Self(name: names[2])
    /// The restore completed.
    public static let succeeded = Self(name: names[3])
    /// Syncing the restore in the cluster's region failed.
    public static let failedToSync = Self(name: names[4])
    /// The restore is missing in the cluster's region.
    public static let notFound = Self(name: names[5])
    /// The restore was skipped.
    public static let skipped = Self(name: names[6])

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
    public var description: String { CloudEnumCoding.short(name, prefix: "BACKUP_RESTORE_STATUS_") }

    /// Waiting on a restore: SUCCEEDED is done; FAILED, FAILED_TO_SYNC, NOT_FOUND and SKIPPED are final failures;
    /// RUNNING, UNSPECIFIED and unknown names are still in progress.
    public var phase: CloudOperationPhase {
        switch self {
        case .succeeded: return .succeeded
        case .failed, .failedToSync, .notFound, .skipped: return .failed
        default: return .inProgress
        }
    }
}
