import Foundation

/// The Object Lock retention a manifest records (`storage.objectLock`), read leniently from a whole manifest
/// document: a manifest without one (older, or written without `--object-lock`) decodes with `retainUntil` `nil`.
public struct BackupObjectLock: Decodable, Sendable, Equatable {
    /// The retention mode, `nil` without a lock.
    public var mode: ObjectStorageSettings.ObjectLock.Mode?
    /// Until when the backup's objects cannot be deleted, `nil` without a lock.
    public var retainUntil: Date?

    /// Creates a value.
    public init(mode: ObjectStorageSettings.ObjectLock.Mode? = nil, retainUntil: Date? = nil) {
        self.mode = mode
        self.retainUntil = retainUntil
    }

    private struct Storage: Decodable { var objectLock: ObjectStorageSettings.ObjectLock? }
    private enum CodingKeys: String, CodingKey { case storage }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let lock = (try? c.decodeIfPresent(Storage.self, forKey: .storage))??.objectLock
        self.init(
            mode: lock?.mode,
            retainUntil: lock?.retainUntilSeconds.map { Date(timeIntervalSince1970: TimeInterval($0)) })
    }

    /// Whether the objects are still locked at `now`.
    public func isLocked(at now: Date) -> Bool { retainUntil.map { $0 > now } ?? false }
}
