import Foundation

/// One backup as the retention planner sees it.
public struct RetentionBackup: Sendable, Hashable {
    /// The backup id (unique in the repository).
    public var id: String
    /// When the backup was taken.
    public var time: Date
    /// True when the backup passed verification.
    public var verified: Bool
    /// True when the backup is pinned in its manifest (never deleted).
    public var pinned: Bool
    /// The backup's tags (matched by `keep-tags`).
    public var tags: [String]
    /// Until when S3 Object Lock protects the backup's objects (`nil`: not locked); kept until then.
    public var lockedUntil: Date?

    /// Creates a backup entry.
    public init(
        id: String, time: Date, verified: Bool = true, pinned: Bool = false, tags: [String] = [],
        lockedUntil: Date? = nil
    ) {
        self.id = id
        self.time = time
        self.verified = verified
        self.pinned = pinned
        self.tags = tags
        self.lockedUntil = lockedUntil
    }
}
