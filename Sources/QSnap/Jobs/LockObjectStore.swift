import Foundation
import QSnapCore

/// Where the repository lock object lives and how it is written: the storage half of the repository lock.
///
/// Every write is conditional on what the caller last read, so that of two runs racing for the lock at most one
/// wins. How strong that guarantee is depends on the store: see ``ExclusiveFileLockStore`` (local directories:
/// atomic create-if-absent), ``ConditionalWriteLockStore`` (S3 with conditional writes: atomic) and
/// ``ReadBackLockStore`` (stores without them: write, settle, read back).
public protocol LockObjectStore: Sendable {
    /// The lock object's display location (never holds secrets).
    var location: String { get }

    /// How creation is made exclusive, recorded in the lock (``QSnapCore/RepositoryLock/mechanism``).
    var mechanism: String { get }

    /// The stored lock object's bytes, or `nil` when there is none.
    func read() async throws -> Data?

    /// Creates the lock object only if none exists; returns `false` when another one exists or won the race.
    func create(_ data: Data) async throws -> Bool

    /// Replaces the lock object by `new` only while it still holds exactly `expected`; returns `false` otherwise.
    func replace(expected: Data, with new: Data) async throws -> Bool

    /// Renews this run's own lock: replaces `expected` by `new` without the lock ever being absent in between
    /// (a waiting run must never see a gap). Returns `false` when the stored lock is no longer `expected`.
    func renew(expected: Data, with new: Data) async throws -> Bool

    /// Deletes the lock object only while it still holds exactly `expected`; returns `false` otherwise.
    @discardableResult
    func delete(expected: Data) async throws -> Bool
}

extension LockObjectStore {
    /// The key of the lock object inside a repository.
    public static var key: String { "locks/repository.json" }
}
