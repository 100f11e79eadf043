import Foundation
import Testing

@testable import QSnapCore

/// The lock decision when the holder's process is known to be gone (a killed run on this host).
@Suite struct RepositoryLockDecisionTests {
    static let t0 = UTCCivilTime.parseISO8601("2026-11-21T20:00:00Z")!
    static let me = RepositoryLock.Owner(host: "runner-a", pid: 101, runID: "run-a")
    static let policy = RepositoryLockPolicy(ttl: 3600, staleGrace: 300)

    static func lock(_ owner: RepositoryLock.Owner) -> RepositoryLock {
        RepositoryLock(
            owner: owner, created: t0.addingTimeInterval(-60), expires: t0.addingTimeInterval(1800), purpose: "backup")
    }

    @Test func breaksALiveLockOfADeadProcessOnThisHostOnly() {
        let held = Self.lock(.init(host: Self.me.host, pid: 303, runID: "killed"))
        let dead = RepositoryLockDecision.decide(
            existing: held, now: Self.t0, me: Self.me, purpose: "backup",
            policy: Self.policy, holderAlive: false)
        guard case .breakStale(let stale, let replacement) = dead else { Issue.record("expected breakStale"); return }
        #expect(stale == held && replacement.owner == Self.me && replacement.purpose == "backup")
        for alive in [true, nil] as [Bool?] {
            let d = RepositoryLockDecision.decide(
                existing: held, now: Self.t0, me: Self.me, purpose: "backup",
                policy: Self.policy, holderAlive: alive)
            #expect(d.busyError != nil)
        }
    }

    @Test func anotherHostsPidSaysNothing() {
        let remote = Self.lock(.init(host: "runner-b", pid: 303, runID: "remote"))
        let d = RepositoryLockDecision.decide(
            existing: remote, now: Self.t0, me: Self.me, purpose: "backup",
            policy: Self.policy, holderAlive: false)
        let message = d.busyError?.message ?? ""
        #expect(message.contains("runner-b") && message.contains("pid 303") && message.contains("(backup)"))
        #expect(message.contains("--wait-lock"))
    }
}
