import Foundation
import QSnapCore

/// The repository lock in a store without a portable conditional write (S3): write, wait a settle delay,
/// read back and compare.
///
/// A create first checks that no lock exists, writes its own, waits ``settleDelay`` and reads the object back:
/// the run that finds its own bytes holds the lock; a run that finds another run's bytes lost the race and backs
/// off. S3 is strongly consistent for reads after writes, and the last PUT wins, so two racing runs both see the
/// last PUT after the delay. **Race window:** if the second run's PUT takes longer than the settle delay to land
/// after the first run has read back, both runs can believe they hold the lock. The window needs two runs to
/// start within one request latency of each other *and* a PUT slower than the settle delay; schedule jobs of one
/// repository apart, or raise the settle delay on slow stores.
public struct ReadBackLockStore: LockObjectStore {
    /// The repository holding `locks/repository.json`.
    public let repository: any Repository
    /// Seconds to wait between writing and reading back.
    public let settleDelay: TimeInterval

    /// Creates the store.
    public init(repository: any Repository, settleDelay: TimeInterval = 2) {
        self.repository = repository
        self.settleDelay = max(0, settleDelay)
    }

    /// The lock object's URL.
    public var location: String { repository.displayURL + "/" + Self.key }

    public var mechanism: String { "write-settle-read-back" }

    /// The lock object's bytes, or `nil` when there is none.
    public func read() async throws -> Data? {
        guard try await repository.head(key: Self.key) != nil else { return nil }
        do {
            return await Data(try repository.getAll(key: Self.key, limit: 1 << 20))
        } catch {
            // Deleted between HEAD and GET.
            if try await repository.head(key: Self.key) == nil { return nil }
            throw error
        }
    }

    /// Writes `data` when no lock exists, then confirms it by reading it back after the settle delay.
    public func create(_ data: Data) async throws -> Bool {
        guard try await read() == nil else { return false }
        return try await writeAndConfirm(data)
    }

    /// Writes `new` while the lock still reads `expected`, then confirms it by reading it back.
    public func replace(expected: Data, with new: Data) async throws -> Bool {
        guard try await read() == expected else { return false }
        return try await writeAndConfirm(new)
    }

    /// The same as ``replace(expected:with:)``: S3 overwrites atomically, so the lock is never absent.
    public func renew(expected: Data, with new: Data) async throws -> Bool {
        try await replace(expected: expected, with: new)
    }

    /// Deletes the lock object while it still reads `expected`.
    @discardableResult
    public func delete(expected: Data) async throws -> Bool {
        guard try await read() == expected else { return false }
        try await repository.delete(keys: [Self.key])
        return true
    }

    private func writeAndConfirm(_ data: Data) async throws -> Bool {
        try await repository.put(key: Self.key, bytes: Array(data))
        if settleDelay > 0 { try await Task.sleep(for: .seconds(settleDelay)) }
        return try await read() == data
    }
}
