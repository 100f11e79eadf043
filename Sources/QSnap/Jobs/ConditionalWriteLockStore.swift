import Foundation
import QSnapCore
import S3

/// The repository lock in an S3 store with conditional writes: truly atomic, no settle delay.
///
/// Create is a PutObject with `If-None-Match: *` (of racing runs exactly one succeeds; the others get
/// `412 PreconditionFailed` or `409 ConditionalRequestConflict`). Replace and renew are a PutObject with
/// `If-Match: "<ETag read>"` after comparing the bytes, so a lock changed since it was read is never overwritten.
/// Delete compares the bytes, then deletes (DeleteObject conditions are not widely supported): a release that races
/// a breaker of its *stale* lock is the only window, as with ``ReadBackLockStore``.
public struct ConditionalWriteLockStore: LockObjectStore {
    /// The repository holding `locks/repository.json`.
    public let repository: S3Repository

    /// Creates the store (use it only where ``S3Repository/probeConditionalWrites()`` said yes).
    public init(repository: S3Repository) { self.repository = repository }

    public var location: String { repository.displayURL + "/" + Self.key }

    public var mechanism: String { "conditional-write" }

    public func read() async throws -> Data? { try await repository.getWithETag(key: Self.key).map { Data($0.bytes) } }

    public func create(_ data: Data) async throws -> Bool {
        try await repository.putConditionally(key: Self.key, bytes: Array(data), condition: .ifNoneMatch)
    }

    public func replace(expected: Data, with new: Data) async throws -> Bool {
        guard let current = try await repository.getWithETag(key: Self.key), Data(current.bytes) == expected else {
            return false
        }
        return try await repository.putConditionally(
            key: Self.key, bytes: Array(new), condition: .ifMatch(current.etag))
    }

    public func renew(expected: Data, with new: Data) async throws -> Bool {
        try await replace(expected: expected, with: new)
    }

    @discardableResult
    public func delete(expected: Data) async throws -> Bool {
        guard try await read() == expected else { return false }
        try await repository.delete(keys: [Self.key])
        return true
    }
}
