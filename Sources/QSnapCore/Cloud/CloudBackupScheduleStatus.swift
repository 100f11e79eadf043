/// `qdrant.cloud.cluster.backup.v1.BackupScheduleStatus`, as its protojson name (`BACKUP_SCHEDULE_STATUS_ACTIVE`).
public struct CloudBackupScheduleStatus: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The enum value names, index = number (backup.proto).
    public static let names = [
        "BACKUP_SCHEDULE_STATUS_UNSPECIFIED", "BACKUP_SCHEDULE_STATUS_ACTIVE", "BACKUP_SCHEDULE_STATUS_FAILED_TO_SYNC",
        "BACKUP_SCHEDULE_STATUS_NOT_FOUND", "BACKUP_SCHEDULE_STATUS_DISABLED",
    ]
    /// The schedule is active.
    public static let active = Self(name: names[1])
    /// The schedule is disabled.
    public static let disabled = Self(name: names[4])

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

    /// The name without its prefix, e.g. `ACTIVE`.
    public var description: String { CloudEnumCoding.short(name, prefix: "BACKUP_SCHEDULE_STATUS_") }
}
