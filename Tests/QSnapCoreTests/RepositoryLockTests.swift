import Foundation
import Testing

@testable import QSnapCore

/// The repository lock model and the pure acquire / refuse / break-stale / renew decision.
@Suite struct RepositoryLockTests {
    static let t0 = UTCCivilTime.parseISO8601("2026-11-21T20:00:00Z")!
    static let me = RepositoryLock.Owner(host: "runner-a", pid: 101, runID: "run-a")
    static let other = RepositoryLock.Owner(host: "runner-b", pid: 202, runID: "run-b")
    static let policy = RepositoryLockPolicy(ttl: 3600, staleGrace: 300)

    static func lock(_ owner: RepositoryLock.Owner, expiresIn: TimeInterval) -> RepositoryLock {
        RepositoryLock(
            owner: owner, created: t0.addingTimeInterval(-60), expires: t0.addingTimeInterval(expiresIn), purpose: "run"
        )
    }

    @Test func mechanismIsRecordedAndOptional() throws {
        var lock = Self.lock(Self.me, expiresIn: 600)
        lock.mechanism = "conditional-write"
        let text = String(decoding: lock.jsonData(), as: UTF8.self)
        #expect(text.contains(#""mechanism":"conditional-write""#))
        #expect(try RepositoryLock.decode(lock.jsonData(), location: "x") == lock)
        #expect(lock.renewed(now: Self.t0, ttl: 60).mechanism == "conditional-write")
        let old =
            #"{"created":"2026-11-21T19:59:00Z","expires":"2026-11-21T20:10:00Z","owner":{"host":"h","pid":1,"run_id":"r"},"purpose":"run","version":1}"#
        #expect(try RepositoryLock.decode(Data(old.utf8), location: "x").mechanism == nil)
        #expect(!String(decoding: Self.lock(Self.me, expiresIn: 1).jsonData(), as: UTF8.self).contains("mechanism"))
    }

    @Test func acquiresWhenThereIsNoLock() {
        let d = RepositoryLockDecision.decide(
            existing: nil, now: Self.t0, me: Self.me, purpose: "run", policy: Self.policy)
        #expect(
            d
                == .acquire(
                    RepositoryLock(
                        owner: Self.me, created: Self.t0, expires: Self.t0.addingTimeInterval(3600), purpose: "run")))
        #expect(d.busyError == nil)
    }

    @Test func refusesALiveLockAndSaysWhoHoldsItUntilWhen() throws {
        let held = Self.lock(Self.other, expiresIn: 1200)
        let d = RepositoryLockDecision.decide(
            existing: held, now: Self.t0, me: Self.me, purpose: "run", policy: Self.policy)
        #expect(d == .refuseBusy(holder: held, retryAt: Self.t0.addingTimeInterval(1500)))
        let error = try #require(d.busyError)
        #expect(error.code == .repositoryLocked)
        #expect(error.code.category == .busy)
        #expect(error.message.contains("host runner-b pid 202 run run-b (run)"))
        #expect(error.message.contains("until 2026-11-21T20:20:00Z"))
        #expect(error.message.contains("after 2026-11-21T20:25:00Z"))
    }

    @Test func respectsAnExpiredLockDuringTheGracePeriod() {
        let held = Self.lock(Self.other, expiresIn: -299)
        let d = RepositoryLockDecision.decide(
            existing: held, now: Self.t0, me: Self.me, purpose: "run", policy: Self.policy)
        guard case .refuseBusy(_, let retryAt) = d else { Issue.record("expected refuseBusy, got \(d)"); return }
        #expect(retryAt == Self.t0.addingTimeInterval(1))
        let exactly = Self.lock(Self.other, expiresIn: -300)
        let atEdge = RepositoryLockDecision.decide(
            existing: exactly, now: Self.t0, me: Self.me, purpose: "run", policy: Self.policy)
        #expect(atEdge.busyError != nil)
    }

    @Test func breaksALockStaleBeyondTheGracePeriod() {
        let stale = Self.lock(Self.other, expiresIn: -301)
        let d = RepositoryLockDecision.decide(
            existing: stale, now: Self.t0, me: Self.me, purpose: "prune", policy: Self.policy)
        #expect(
            d
                == .breakStale(
                    stale: stale,
                    replacement: RepositoryLock(
                        owner: Self.me, created: Self.t0, expires: Self.t0.addingTimeInterval(3600), purpose: "prune")))
    }

    @Test func renewsItsOwnLockAndTimesRenewal() {
        let mine = Self.lock(Self.me, expiresIn: 600)
        let d = RepositoryLockDecision.decide(
            existing: mine, now: Self.t0, me: Self.me, purpose: "run", policy: Self.policy)
        guard case .renew(let renewed) = d else { Issue.record("expected renew, got \(d)"); return }
        #expect(renewed.created == mine.created)
        #expect(renewed.expires == Self.t0.addingTimeInterval(3600))
        // Same host and pid but another run id is someone else (a restarted process).
        let lookalike = Self.lock(RepositoryLock.Owner(host: "runner-a", pid: 101, runID: "run-z"), expiresIn: 600)
        #expect(
            RepositoryLockDecision.decide(
                existing: lookalike, now: Self.t0, me: Self.me, purpose: "run", policy: Self.policy
            ).busyError != nil)
        // Renewal falls due halfway through the TTL.
        let fresh = Self.policy.newLock(owner: Self.me, purpose: "run", now: Self.t0)
        #expect(Self.policy.renewalTime(for: fresh) == Self.t0.addingTimeInterval(1800))
        #expect(!Self.policy.renewalDue(for: fresh, now: Self.t0.addingTimeInterval(1799)))
        #expect(Self.policy.renewalDue(for: fresh, now: Self.t0.addingTimeInterval(1800)))
        #expect(Self.policy.breakableAt(fresh) == Self.t0.addingTimeInterval(3900))
    }

    @Test func jsonRoundTripsWithStableKeys() throws {
        let lock = RepositoryLock(
            owner: Self.me, created: Self.t0, expires: Self.t0.addingTimeInterval(3600), purpose: "run")
        let text = String(decoding: lock.jsonData(), as: UTF8.self)
        #expect(
            text
                == #"{"created":"2026-11-21T20:00:00Z","expires":"2026-11-21T21:00:00Z","owner":{"host":"runner-a","pid":101,"run_id":"run-a"},"purpose":"run","version":1}"#
        )
        #expect(try RepositoryLock.decode(lock.jsonData(), location: "repo/lock.json") == lock)
    }

    @Test(arguments: [
        "", "{}", "not json",
        #"{"created":"2026-11-21T20:00:00Z","expires":"x","owner":{"host":"h","pid":1,"run_id":"r"},"purpose":"run","version":1}"#,
        #"{"created":"2026-11-21T20:00:00Z","expires":"2026-11-21T21:00:00Z","owner":{"host":"h","pid":1,"run_id":"r"},"purpose":"run","version":2}"#,
    ])
    func unreadableLocksAreRefused(_ text: String) {
        let error = #expect(throws: QSnapError.self) {
            try RepositoryLock.decode(Data(text.utf8), location: "repo/lock.json")
        }
        #expect(error?.code == .lockUnreadable)
        #expect(error?.message.contains("repo/lock.json") == true)
    }
}

/// How a run waits for a busy lock (`lock.wait` in a job file).
@Suite struct RepositoryLockWaitTests {
    @Test func pollsUntilTheDeadlineThenGivesUp() {
        let t0 = RepositoryLockTests.t0
        let policy = RepositoryLockPolicy(ttl: 3600, staleGrace: 300, pollInterval: 5)
        // Lock breakable far in the future, wait of 12 s: poll at +5, +10, +12, then give up.
        let retryAt = t0.addingTimeInterval(3000)
        let deadline = t0.addingTimeInterval(12)
        var now = t0
        var attempts: [TimeInterval] = []
        while let next = policy.nextAttempt(now: now, retryAt: retryAt, waitDeadline: deadline) {
            attempts.append(next.timeIntervalSince(t0))
            now = next
        }
        #expect(attempts == [5, 10, 12])
        // A lock that becomes breakable within the poll interval is retried exactly then.
        #expect(
            policy.nextAttempt(now: t0, retryAt: t0.addingTimeInterval(2), waitDeadline: deadline)
                == t0.addingTimeInterval(2))
        // lock.wait 0: the deadline is now, so the run refuses at once.
        #expect(policy.nextAttempt(now: t0, retryAt: retryAt, waitDeadline: t0) == nil)
    }
}
