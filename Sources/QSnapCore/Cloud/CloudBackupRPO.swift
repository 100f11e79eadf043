import Foundation

/// The recovery point Qdrant Cloud Backups give a cluster: the age of its newest SUCCEEDED backup, measured when
/// a drill starts (`qsnap drill --cloud-backups`). Written into the drill report as `cloud_backup`.
public struct CloudBackupRPO: Sendable, Equatable, Codable {
    /// The account's UUID.
    public var accountID: String
    /// The cluster's UUID.
    public var clusterID: String
    /// The newest SUCCEEDED backup, or `nil` when the cluster has none.
    public var backupID: String?
    /// Its display name.
    public var displayName: String?
    /// When it was created.
    public var createdAt: Date?
    /// The measurement time minus ``createdAt``, in seconds; `nil` without a SUCCEEDED backup.
    public var rpoSeconds: Double?
    /// How many of the cluster's backups are SUCCEEDED.
    public var succeededBackups: Int

    /// Measures the RPO of `backups` (the cluster's backups, any status) at `now`.
    public init(accountID: String, clusterID: String, backups: [CloudBackup], at now: Date) {
        self.accountID = accountID
        self.clusterID = clusterID
        let succeeded = backups.filter { $0.currentStatus == .succeeded && $0.createdDate != nil }
        succeededBackups = succeeded.count
        let newest = Self.newestSucceeded(backups)
        backupID = newest?.id
        displayName = newest?.displayName
        createdAt = newest?.createdDate
        rpoSeconds = createdAt.map { now.timeIntervalSince($0) }
    }

    /// The SUCCEEDED backup with the latest `createdAt` (backups without a readable time are skipped; a deleted
    /// one too).
    public static func newestSucceeded(_ backups: [CloudBackup]) -> CloudBackup? {
        backups.filter { $0.currentStatus == .succeeded && ($0.deletedAt ?? "").isEmpty }
            .compactMap { b in b.createdDate.map { (b, $0) } }
            .max { $0.1 < $1.1 }?.0
    }

    /// True when there is a SUCCEEDED backup to recover from.
    public var hasRecoveryPoint: Bool { rpoSeconds != nil }

    enum CodingKeys: String, CodingKey {
        case accountID = "account_id"
        case clusterID = "cluster_id"
        case backupID = "backup_id"
        case displayName = "display_name"
        case createdAt = "created_at"
        case rpoSeconds = "rpo_seconds"
        case succeededBackups = "succeeded_backups"
    }

    /// Decodes the report's `cloud_backup` object.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        accountID = try c.decode(String.self, forKey: .accountID)
        clusterID = try c.decode(String.self, forKey: .clusterID)
        backupID = try c.decodeIfPresent(String.self, forKey: .backupID)
        displayName = try c.decodeIfPresent(String.self, forKey: .displayName)
        createdAt = try c.decodeIfPresent(String.self, forKey: .createdAt).flatMap(UTCCivilTime.parseISO8601)
        rpoSeconds = try c.decodeIfPresent(Double.self, forKey: .rpoSeconds)
        succeededBackups = try c.decode(Int.self, forKey: .succeededBackups)
    }

    /// Encodes with ISO 8601 UTC times and the RPO rounded to milliseconds; absent values as `null`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(accountID, forKey: .accountID)
        try c.encode(clusterID, forKey: .clusterID)
        try c.encode(backupID, forKey: .backupID)
        try c.encode(displayName, forKey: .displayName)
        try c.encode(createdAt.map(UTCCivilTime.iso8601), forKey: .createdAt)
        try c.encode(rpoSeconds.map { ($0 * 1000).rounded() / 1000 }, forKey: .rpoSeconds)
        try c.encode(succeededBackups, forKey: .succeededBackups)
    }
}
