import Foundation
import Logging
import QSnapCore

/// A repository lock this run holds: renewed in the background every half TTL (on a dedicated thread, never on
/// the Swift cooperative pool) and released at the end.
///
/// A renewal only replaces the stored lock while it is still exactly the one this run wrote; if it is not (the
/// lock was broken as stale, or deleted by hand) the lock is *lost* and ``ensureHeld()`` throws, so the run stops
/// at its next step instead of interleaving with another run.
public final class HeldRepositoryLock: @unchecked Sendable {
    private let store: any LockObjectStore
    private let policy: RepositoryLockPolicy
    private let logger: Logger
    private let state = NSCondition()
    /// Serialises store operations of renewal and release.
    private let io = NSLock()
    private var lock: RepositoryLock
    private var bytes: Data
    private var lost: String?
    private var stopping = false
    private var renewer: Thread?
    private var released = false

    init(store: any LockObjectStore, lock: RepositoryLock, bytes: Data, policy: RepositoryLockPolicy, logger: Logger) {
        self.store = store
        self.lock = lock
        self.bytes = bytes
        self.policy = policy
        self.logger = logger
    }

    /// The lock as last written.
    public var current: RepositoryLock { state.withLock { lock } }

    /// Starts the renewal thread.
    public func startRenewing() {
        state.withLock {
            guard renewer == nil else { return }
            let thread = Thread { [self] in self.renewLoop() }
            thread.name = "qsnap-lock-renewal"
            renewer = thread
            thread.start()
        }
    }

    /// Renews the lock now if it is due; returns `false` when the lock was lost.
    @discardableResult
    public func renewIfDue(now: Date = Date()) -> Bool {
        io.lock()
        defer { io.unlock() }
        let (current, currentBytes, alreadyLost, done) = state.withLock { (lock, bytes, lost, released) }
        if alreadyLost != nil { return false }
        if done { return true }
        guard policy.renewalDue(for: current, now: now) else { return true }
        let renewed = current.renewed(now: now, ttl: policy.ttl)
        let renewedBytes = renewed.jsonData()
        do {
            if try store.renew(expected: currentBytes, with: renewedBytes) {
                state.withLock {
                    lock = renewed
                    bytes = renewedBytes
                }
                logger.debug("renewed the repository lock until \(UTCCivilTime.iso8601(renewed.expires))")
                return true
            }
            markLost("the lock object \(store.location) no longer holds this run's lock (broken as stale or removed)")
        } catch {
            // A transient store error: try again at the next tick while the lock is still valid.
            logger.warning("renewing the repository lock failed: \(error)")
            if now >= current.expires {
                markLost(
                    "the repository lock expired at \(UTCCivilTime.iso8601(current.expires)) because renewing it failed: \(error)"
                )
            }
        }
        return state.withLock { lost == nil }
    }

    /// Throws when the lock was lost (`.failure("lock.lost")`): another run may now use the repository.
    public func ensureHeld() throws {
        if let reason = state.withLock({ lost }) {
            throw QSnapError(
                .failure("lock.lost"), "stopped: \(reason); no further changes were made to the repository")
        }
    }

    /// Stops renewing and deletes the lock object if it is still this run's.
    public func release() {
        let thread: Thread? = state.withLock {
            stopping = true
            state.broadcast()
            defer { renewer = nil }  // the thread's block holds self: keeping the thread would keep both for ever
            return renewer
        }
        _ = thread
        io.lock()
        defer { io.unlock() }
        let (currentBytes, wasReleased) = state.withLock { () -> (Data, Bool) in
            defer { released = true }
            return (bytes, released)
        }
        guard !wasReleased else { return }
        do {
            if try store.delete(expected: currentBytes) {
                logger.info("released the repository lock")
            } else {
                logger.warning("the repository lock was no longer this run's at release; left it alone")
            }
        } catch {
            logger.warning(
                "releasing the repository lock failed (it expires at \(UTCCivilTime.iso8601(current.expires))): \(error)"
            )
        }
    }

    private func markLost(_ reason: String) {
        state.withLock { if lost == nil { lost = reason } }
        logger.error("\(reason)")
    }

    private func renewLoop() {
        while true {
            let tick = min(5, max(0.2, policy.ttl / 20))
            let stop = state.withLock { () -> Bool in
                if !stopping { _ = state.wait(until: Date().addingTimeInterval(tick)) }
                return stopping
            }
            if stop { return }
            if !renewIfDue() { return }
        }
    }
}
