import Foundation

/// What a run does about the repository lock, decided purely from the existing lock (if any), the time and
/// the run's identity. The storage side carries it out with conditional writes and re-reads the lock after
/// writing to confirm it won.
public enum RepositoryLockDecision: Sendable, Equatable {
    /// No lock exists: create this one (conditionally, so that a concurrent creator makes one of them fail).
    case acquire(RepositoryLock)
    /// The lock is this run's own: replace it with this renewed copy.
    case renew(RepositoryLock)
    /// Another run holds the lock; retry at `retryAt` at the earliest (when it could be broken if not renewed).
    case refuseBusy(holder: RepositoryLock, retryAt: Date)
    /// The lock expired more than the grace period ago: replace `stale` by `replacement`, conditionally on
    /// `stale` still being the stored lock.
    case breakStale(stale: RepositoryLock, replacement: RepositoryLock)

    /// Decides what to do.
    ///
    /// - Parameters:
    ///   - existing: the stored lock, or `nil` when there is none.
    ///   - now: the current time.
    ///   - me: this run's identity; a lock is "mine" only when its run id matches.
    ///   - purpose: what this run does (`run`, `prune`, …).
    ///   - policy: TTL and grace.
    ///   - holderAlive: whether the holder's process still exists, when that can be known: only for a holder on
    ///     this run's host (`false` when its pid is gone). A lock of a dead process on this host is stale at once,
    ///     so a killed run does not block the next one for TTL + grace. `nil` (another host, or unknown) changes
    ///     nothing.
    public static func decide(
        existing: RepositoryLock?, now: Date, me: RepositoryLock.Owner, purpose: String, policy: RepositoryLockPolicy,
        holderAlive: Bool? = nil
    ) -> RepositoryLockDecision {
        guard let existing else { return .acquire(policy.newLock(owner: me, purpose: purpose, now: now)) }
        if existing.owner.runID == me.runID {
            return .renew(existing.renewed(now: now, ttl: policy.ttl))
        }
        let breakable = policy.breakableAt(existing)
        let holderGone = existing.owner.host == me.host && existing.owner.pid != me.pid && holderAlive == false
        if now > breakable || holderGone {
            return .breakStale(stale: existing, replacement: policy.newLock(owner: me, purpose: purpose, now: now))
        }
        return .refuseBusy(holder: existing, retryAt: breakable)
    }

    /// The error to report for ``refuseBusy(holder:retryAt:)`` (exit status 5), or `nil` for other decisions.
    public var busyError: QSnapError? {
        guard case .refuseBusy(let holder, let retryAt) = self else { return nil }
        return QSnapError(
            .repositoryLocked,
            "the repository is locked by \(holder.holderDescription); wait for that run to finish (the lock can be broken after \(UTCCivilTime.iso8601(retryAt)) if it is not renewed) or wait longer with --wait-lock SECONDS (lock.wait in a job file)"
        )
    }
}
