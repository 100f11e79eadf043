import Foundation
import Logging
import QSnapCore
import Synchronization

/// A repository lock this run holds: renewed in the background every half TTL (by a task the lock owns, cancelled
/// and awaited by ``release()``) and released at the end.
///
/// A renewal only replaces the stored lock while it is still exactly the one this run wrote; if it is not (the
/// lock was broken as stale, or deleted by hand) the lock is *lost* and ``ensureHeld()`` throws, so the run stops
/// at its next step instead of interleaving with another run.
public final class HeldRepositoryLock: Sendable {
    private struct State {
        var lock: RepositoryLock
        var bytes: Data
        var lost: String?
        var released = false
        var renewer: Task<Void, Never>?
    }

    private let store: any LockObjectStore
    private let policy: RepositoryLockPolicy
    private let logger: Logger
    private let state: Mutex<State>

    init(store: any LockObjectStore, lock: RepositoryLock, bytes: Data, policy: RepositoryLockPolicy, logger: Logger) {
        self.store = store
        self.policy = policy
        self.logger = logger
        self.state = Mutex(State(lock: lock, bytes: bytes))
    }

    /// The lock as last written.
    public var current: RepositoryLock { state.withLock { $0.lock } }

    /// Starts renewing in the background until ``release()``.
    public func startRenewing() {
        state.withLock { s in
            guard s.renewer == nil, !s.released else { return }
            // An unstructured task owned by the lock: it outlives the call that took the lock and ends in `release()`.
            s.renewer = Task { [self] in await self.renewLoop() }
        }
    }

    /// Renews the lock now if it is due; returns `false` when the lock was lost.
    @discardableResult
    public func renewIfDue(now: Date = Date()) async -> Bool {
        let (current, currentBytes, alreadyLost, done) = state.withLock { ($0.lock, $0.bytes, $0.lost, $0.released) }
        if alreadyLost != nil { return false }
        if done { return true }
        guard policy.renewalDue(for: current, now: now) else { return true }
        let renewed = current.renewed(now: now, ttl: policy.ttl)
        let renewedBytes = renewed.jsonData()
        do {
            if try await store.renew(expected: currentBytes, with: renewedBytes) {
                state.withLock {
                    $0.lock = renewed
                    $0.bytes = renewedBytes
                }
                logger.debug("renewed the repository lock until \(UTCCivilTime.iso8601(renewed.expires))")
                return true
            }
            markLost("the lock object \(store.location) no longer holds this run's lock (broken as stale or removed)")
        } catch is CancellationError {
            return true
        } catch {
            // A transient store error: try again at the next tick while the lock is still valid.
            logger.warning("renewing the repository lock failed: \(error)")
            if now >= current.expires {
                markLost(
                    "the repository lock expired at \(UTCCivilTime.iso8601(current.expires)) because renewing it failed: \(error)"
                )
            }
        }
        return state.withLock { $0.lost == nil }
    }

    /// Throws when the lock was lost (`.lockLost`): another run may now use the repository.
    public func ensureHeld() throws {
        if let reason = state.withLock({ $0.lost }) {
            throw QSnapError(
                .lockLost, "stopped: \(reason); no further changes were made to the repository")
        }
    }

    /// Stops renewing (and waits until the renewal task ended) and deletes the lock object if it is still this run's.
    public func release() async {
        let renewer = state.withLock { s -> Task<Void, Never>? in
            defer { s.renewer = nil }
            return s.renewer
        }
        renewer?.cancel()
        await renewer?.value
        let (currentBytes, wasReleased) = state.withLock { s -> (Data, Bool) in
            defer { s.released = true }
            return (s.bytes, s.released)
        }
        guard !wasReleased else { return }
        do {
            if try await store.delete(expected: currentBytes) {
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
        state.withLock { if $0.lost == nil { $0.lost = reason } }
        logger.error("\(reason)")
    }

    private func renewLoop() async {
        while !Task.isCancelled {
            let tick = min(5, max(0.2, policy.ttl / 20))
            do { try await Task.sleep(for: .seconds(tick)) } catch { return }
            if await !renewIfDue() { return }
        }
    }
}
