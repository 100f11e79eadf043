import Foundation
import Logging
import QSnapCore

/// Takes the repository lock (`locks/repository.json`) for one run, waiting for another run's lock when asked,
/// and breaking a stale lock safely — following ``RepositoryLockDecision``.
public struct RepositoryLocker: Sendable {
    /// Where the lock lives.
    public let store: any LockObjectStore
    /// TTL and grace.
    public let policy: RepositoryLockPolicy
    /// This run's identity.
    public let owner: RepositoryLock.Owner
    /// What this run does (`run`, `prune`, …).
    public let purpose: String
    /// Seconds between attempts while waiting for a busy lock.
    public let pollInterval: TimeInterval
    /// Whether a holder's process exists (``ProcessLiveness/isAlive(_:)`` unless replaced in tests).
    public let liveness: @Sendable (RepositoryLock.Owner) -> Bool?
    private let logger: Logger

    /// Creates a locker.
    public init(
        store: any LockObjectStore, policy: RepositoryLockPolicy, owner: RepositoryLock.Owner, purpose: String,
        pollInterval: TimeInterval = 1,
        liveness: @escaping @Sendable (RepositoryLock.Owner) -> Bool? = ProcessLiveness.isAlive,
        logger: Logger
    ) {
        self.store = store
        self.policy = policy
        self.owner = owner
        self.purpose = purpose
        self.pollInterval = max(0.05, pollInterval)
        self.liveness = liveness
        self.logger = logger
    }

    /// Takes the lock of `repository` for `purpose` with the default policy and this process's identity, and
    /// starts renewing it: what the one-step commands (`backup`, `prune --yes`, `forget --yes`, `tag`, …) do.
    /// - Throws: `busy("repository.locked")` (exit 5) when another run still holds it after `wait` seconds.
    public static func acquireForCommand(
        _ repository: any Repository, purpose: String, wait: TimeInterval, settleDelay: TimeInterval,
        owner: RepositoryLock.Owner = RepositoryLocker.currentOwner(), logger: Logger
    ) async throws -> HeldRepositoryLock {
        let locker = RepositoryLocker(
            store: try await store(for: repository, settleDelay: settleDelay), policy: RepositoryLockPolicy(),
            owner: owner,
            purpose: purpose, logger: logger)
        let held = try await locker.acquire(wait: wait)
        held.startRenewing()
        return held
    }

    /// Runs `body` holding the lock of `repository` (``acquireForCommand(_:purpose:wait:settleDelay:owner:logger:)``)
    /// and releases it afterwards, whether `body` returned or threw.
    public static func withCommandLock<R>(
        _ repository: any Repository, purpose: String, wait: TimeInterval, settleDelay: TimeInterval,
        owner: RepositoryLock.Owner = RepositoryLocker.currentOwner(), logger: Logger,
        _ body: (HeldRepositoryLock) async throws -> R
    ) async throws -> R {
        let held = try await acquireForCommand(
            repository, purpose: purpose, wait: wait, settleDelay: settleDelay, owner: owner, logger: logger)
        do {
            let result = try await body(held)
            await held.release()
            return result
        } catch {
            await held.release()
            throw error
        }
    }

    /// The lock store suited to `repository`: exclusive file creation for local directories; conditional writes
    /// (`If-None-Match: *`, `If-Match`) for an S3 store that honours them (probed once, see
    /// ``S3Repository/probeConditionalWrites()``); write-then-read-back for every other store.
    public static func store(for repository: any Repository, settleDelay: TimeInterval = 2) async throws
        -> any LockObjectStore
    {
        // The lock of an encrypted repository is the store's own, in plain text (host, pid and run id only).
        if let encrypted = repository as? EncryptedRepository {
            return try await store(for: encrypted.inner, settleDelay: settleDelay)
        }
        if let local = repository as? LocalRepository {
            return ExclusiveFileLockStore(root: local.root)
        }
        if let s3 = repository as? S3Repository, try await s3.probeConditionalWrites() {
            return ConditionalWriteLockStore(repository: s3)
        }
        return ReadBackLockStore(repository: repository, settleDelay: settleDelay)
    }

    /// A store for reading the lock only (no probe of the store's abilities).
    public static func reader(for repository: any Repository) -> any LockObjectStore {
        if let encrypted = repository as? EncryptedRepository { return reader(for: encrypted.inner) }
        if let local = repository as? LocalRepository { return ExclusiveFileLockStore(root: local.root) }
        return ReadBackLockStore(repository: repository, settleDelay: 0)
    }

    /// The identity of this process: host name, pid and a fresh run id.
    public static func currentOwner(runID: String = UUID().uuidString.lowercased()) -> RepositoryLock.Owner {
        RepositoryLock.Owner(host: ProcessInfo.processInfo.hostName, pid: getpid(), runID: runID)
    }

    /// Takes the lock, waiting up to `wait` seconds for another run's lock to be released or to become stale.
    ///
    /// - Returns: the held lock; call ``HeldRepositoryLock/startRenewing()`` and, at the end,
    ///   ``HeldRepositoryLock/release()``.
    /// - Throws: `QSnapError` `.repositoryLocked` (exit 5) when another run still holds the lock after
    ///   `wait`; `.lockUnreadable` when the lock object is not a qsnap lock.
    public func acquire(wait: TimeInterval, now: () -> Date = Date.init) async throws -> HeldRepositoryLock {
        let deadline = now().addingTimeInterval(max(0, wait))
        var announced = false
        while true {
            try ProcessStop.check()
            let existingBytes = try await store.read()
            let existing = try existingBytes.map { try RepositoryLock.decode($0, location: store.location) }
            let alive = existing.flatMap { $0.owner.host == owner.host ? liveness($0.owner) : nil }
            let decision = RepositoryLockDecision.decide(
                existing: existing, now: now(), me: owner, purpose: purpose, policy: policy, holderAlive: alive)
            switch decision {
            case .acquire(var lock):
                lock.mechanism = store.mechanism
                let bytes = lock.jsonData()
                if try await store.create(bytes) {
                    logger.info("took the repository lock \(store.location)")
                    return HeldRepositoryLock(store: store, lock: lock, bytes: bytes, policy: policy, logger: logger)
                }
            case .renew(var lock):
                lock.mechanism = store.mechanism
                let bytes = lock.jsonData()
                if let existingBytes, try await store.replace(expected: existingBytes, with: bytes) {
                    return HeldRepositoryLock(store: store, lock: lock, bytes: bytes, policy: policy, logger: logger)
                }
            case .breakStale(let stale, var replacement):
                replacement.mechanism = store.mechanism
                let why = alive == false ? " (its process is gone)" : ""
                logger.warning("breaking the stale repository lock of \(stale.holderDescription)\(why)")
                let bytes = replacement.jsonData()
                if let existingBytes, try await store.replace(expected: existingBytes, with: bytes) {
                    return HeldRepositoryLock(
                        store: store, lock: replacement, bytes: bytes, policy: policy, logger: logger)
                }
            case .refuseBusy(let holder, _):
                let remaining = deadline.timeIntervalSince(now())
                guard remaining > 0 else { throw decision.busyError! }
                if !announced {
                    logger.notice(
                        "the repository is locked by \(holder.holderDescription); waiting up to \(WallClockDuration.format(remaining))"
                    )
                    announced = true
                }
                try await Task.sleep(for: .seconds(min(pollInterval, remaining)))
                continue
            }
            // Lost a race between reading and writing: look again after a short pause.
            try await Task.sleep(for: .seconds(min(pollInterval, 0.2)))
        }
    }
}
