import Foundation
import Logging
import QSnapCore
import Testing

@testable import QSnap

@Suite struct RepositoryLockerTests {
    let logger = Logger(label: "test")

    func scratch() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("qsnap-lock-\(UUID().uuidString)").path
    }

    func locker(_ store: any LockObjectStore, run: String, ttl: TimeInterval = 3600, grace: TimeInterval = 300)
        -> RepositoryLocker
    {
        RepositoryLocker(
            store: store, policy: RepositoryLockPolicy(ttl: ttl, staleGrace: grace),
            owner: .init(host: "h", pid: 1, runID: run), purpose: "run", pollInterval: 0.05, logger: logger)
    }

    func stores(_ root: String) throws -> [any LockObjectStore] {
        [
            ExclusiveFileLockStore(root: root),
            ReadBackLockStore(repository: try LocalRepository(root: root), settleDelay: 0),
        ]
    }

    @Test func secondRunIsRefusedWithBusyUntilTheFirstReleases() throws {
        let root = scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        for store in try stores(root) {
            let first = try locker(store, run: "one").acquire(wait: 0)
            let error = #expect(throws: QSnapError.self) { try locker(store, run: "two").acquire(wait: 0.2) }
            #expect(error?.code.exitStatus == 5)
            #expect(error?.message.contains("run one") == true)
            first.release()
            #expect(try store.read() == nil)
            let second = try locker(store, run: "two").acquire(wait: 0)
            #expect(second.current.owner.runID == "two")
            second.release()
        }
    }

    @Test func aWaitingRunGetsTheLockWhenItIsReleased() async throws {
        let root = scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = ExclusiveFileLockStore(root: root)
        let first = try locker(store, run: "one").acquire(wait: 0)
        let releaser = Thread {
            Thread.sleep(forTimeInterval: 0.3)
            first.release()
        }
        releaser.start()
        let started = Date()
        let second = try locker(store, run: "two").acquire(wait: 10)
        #expect(Date().timeIntervalSince(started) >= 0.25)
        #expect(second.current.owner.runID == "two")
        second.release()
    }

    @Test func onlyOneOfManyConcurrentRunsWins() throws {
        let root = scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = ExclusiveFileLockStore(root: root)
        let winners = NSLock()
        nonisolated(unsafe) var held: [HeldRepositoryLock] = []
        let group = DispatchGroup()
        for i in 0..<8 {
            group.enter()
            Thread {
                defer { group.leave() }
                if let lock = try? locker(store, run: "run-\(i)").acquire(wait: 0) {
                    winners.withLock { held.append(lock) }
                }
            }.start()
        }
        group.wait()
        #expect(held.count == 1)
        held.forEach { $0.release() }
    }

    @Test func aStaleLockIsBrokenButAnExpiredOneWithinGraceIsNot() throws {
        let root = scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        for store in try stores(root) {
            let old = Date().addingTimeInterval(-10_000)
            let stale = RepositoryLock(
                owner: .init(host: "gone", pid: 9, runID: "dead"), created: old, expires: old.addingTimeInterval(60),
                purpose: "run")
            #expect(try store.create(stale.jsonData()))
            // Expired long ago, grace 300 s: broken.
            let taker = try locker(store, run: "new").acquire(wait: 0)
            #expect(taker.current.owner.runID == "new")
            taker.release()

            // Expired a minute ago, grace 1 h: still respected.
            let recent = RepositoryLock(
                owner: .init(host: "slow", pid: 9, runID: "late"), created: Date().addingTimeInterval(-120),
                expires: Date().addingTimeInterval(-60), purpose: "run")
            #expect(try store.create(recent.jsonData()))
            #expect(throws: QSnapError.self) { try locker(store, run: "new2", grace: 3600).acquire(wait: 0) }
            #expect(try store.delete(expected: recent.jsonData()))
        }
    }

    @Test func renewalExtendsTheLockAndALostLockStopsTheRun() throws {
        let root = scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = ExclusiveFileLockStore(root: root)
        let held = try locker(store, run: "one", ttl: 100).acquire(wait: 0)
        let first = held.current.expires
        #expect(held.renewIfDue(now: Date().addingTimeInterval(60)))  // past half the TTL
        #expect(held.current.expires > first)
        let stored = try RepositoryLock.decode(try #require(try store.read()), location: "test")
        #expect(stored.expires.timeIntervalSince(first) >= 59, "the stored lock carries the new expiry")
        #expect(try store.read() == held.current.jsonData())
        try held.ensureHeld()

        // Someone removes the lock by hand and another run takes it: the next renewal notices.
        #expect(try store.delete(expected: held.current.jsonData()))
        let other = try locker(store, run: "two").acquire(wait: 0)
        #expect(!held.renewIfDue(now: Date().addingTimeInterval(200)))
        #expect(throws: QSnapError.self) { try held.ensureHeld() }
        held.release()
        #expect(try store.read() == other.current.jsonData(), "releasing a lost lock leaves the new holder's lock")
        other.release()
    }

    @Test func theBackgroundThreadRenewsTheLockWhileTheRunWorks() throws {
        let root = scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = ExclusiveFileLockStore(root: root)
        let held = try locker(store, run: "long", ttl: 2, grace: 0).acquire(wait: 0)
        let initial = try #require(try store.read())
        held.startRenewing()
        Thread.sleep(forTimeInterval: 3.5)  // longer than the TTL: without renewal the lock would be breakable
        try held.ensureHeld()
        let now = try #require(try store.read())
        #expect(now != initial)
        #expect(try RepositoryLock.decode(now, location: "test").expires > Date())
        #expect(throws: QSnapError.self) { try locker(store, run: "other", ttl: 2, grace: 0).acquire(wait: 0) }
        held.release()
        #expect(try store.read() == nil)
    }

    @Test func aReleasedLockIsFreedOnceItsRenewalThreadEnds() throws {
        let root = scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        weak var freed: HeldRepositoryLock?
        do {
            let held = try locker(ExclusiveFileLockStore(root: root), run: "short", ttl: 2, grace: 0).acquire(wait: 0)
            held.startRenewing()
            held.release()
            freed = held
        }
        let deadline = Date().addingTimeInterval(10)  // the renewal thread notices the release within one tick
        while freed != nil, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        #expect(freed == nil, "the lock and its renewal thread keep each other alive")
    }

    @Test func renewingALocalLockNeverLeavesAGapForAWaitingRun() throws {
        let root = scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = ExclusiveFileLockStore(root: root)
        let held = try locker(store, run: "holder", ttl: 100).acquire(wait: 0)
        let stop = NSLock()
        nonisolated(unsafe) var done = false
        nonisolated(unsafe) var gaps = 0
        let watcher = Thread {
            while !stop.withLock({ done }) {
                if (try? store.read()) == nil { stop.withLock { gaps += 1 } }
            }
        }
        watcher.start()
        var now = Date()
        for _ in 0..<200 {
            now = now.addingTimeInterval(60)
            #expect(held.renewIfDue(now: now))
        }
        stop.withLock { done = true }
        Thread.sleep(forTimeInterval: 0.05)
        #expect(stop.withLock { gaps } == 0)
        held.release()
    }

    @Test func anUnreadableLockIsRefusedNotBroken() throws {
        let root = scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = ExclusiveFileLockStore(root: root)
        #expect(try store.create(Data("garbage".utf8)))
        let error = #expect(throws: QSnapError.self) { try locker(store, run: "x").acquire(wait: 0) }
        #expect(error?.code.exitStatus == 3)
        #expect(try store.read() == Data("garbage".utf8))
    }
}
