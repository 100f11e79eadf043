import Foundation

/// Timing of repository locks: how long a lock lives, when it is renewed, when it may be broken.
public struct RepositoryLockPolicy: Sendable, Equatable {
    /// How long a lock is valid after taking or renewing it, in seconds.
    public var ttl: TimeInterval
    /// How long after expiry a lock is still respected before it may be broken, in seconds. It covers clock
    /// skew between hosts and a holder that is late renewing.
    public var staleGrace: TimeInterval
    /// The fraction of the TTL after which the holder renews (0 < fraction < 1; default ½).
    public var renewAfterFraction: Double

    /// How often a waiting run looks at a busy lock again, in seconds (default 5).
    public var pollInterval: TimeInterval

    /// Creates a policy; values are clamped to sane ranges (ttl ≥ 1 s, grace ≥ 0, fraction in [0.1, 0.9],
    /// poll interval ≥ 0.1 s).
    public init(
        ttl: TimeInterval = 3600, staleGrace: TimeInterval = 300, renewAfterFraction: Double = 0.5,
        pollInterval: TimeInterval = 5
    ) {
        self.ttl = max(1, ttl)
        self.staleGrace = max(0, staleGrace)
        self.renewAfterFraction = min(0.9, max(0.1, renewAfterFraction))
        self.pollInterval = max(0.1, pollInterval)
    }

    /// When a run that was refused with `refuseBusy(retryAt:)` should look again, or `nil` when its wait is over
    /// and it must give up (exit status 5). The holder may release early, so it polls every ``pollInterval``
    /// rather than sleeping until `retryAt`; it never sleeps past `retryAt` or `waitDeadline`.
    public func nextAttempt(now: Date, retryAt: Date, waitDeadline: Date) -> Date? {
        guard now < waitDeadline else { return nil }
        return min(now.addingTimeInterval(pollInterval), max(retryAt, now), waitDeadline)
    }

    /// When the holder of `lock` should renew it: `expires − ttl × (1 − fraction)`.
    public func renewalTime(for lock: RepositoryLock) -> Date {
        lock.expires.addingTimeInterval(-ttl * (1 - renewAfterFraction))
    }

    /// True when the holder of `lock` should renew it at `now`.
    public func renewalDue(for lock: RepositoryLock, now: Date) -> Bool { now >= renewalTime(for: lock) }

    /// The first instant at which `lock` may be broken by another run: `expires + staleGrace`.
    public func breakableAt(_ lock: RepositoryLock) -> Date { lock.expires.addingTimeInterval(staleGrace) }

    /// A fresh lock for `owner` taken at `now`.
    public func newLock(owner: RepositoryLock.Owner, purpose: String, now: Date) -> RepositoryLock {
        RepositoryLock(owner: owner, created: now, expires: now.addingTimeInterval(ttl), purpose: purpose)
    }
}
