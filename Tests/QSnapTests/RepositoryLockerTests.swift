import Foundation
import Logging
import QSnapCore
import Synchronization
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

    @Test func secondRunIsRefusedWithBusyUntilTheFirstReleases() async throws {
        let root = scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        for store in try stores(root) {
            let first = try await locker(store, run: "one").acquire(wait: 0)
            let error = await #expect(throws: QSnapError.self) {
                try await locker(store, run: "two").acquire(wait: 0.2)
            }
            #expect(error?.code.category == .busy)
            #expect(error?.message.contains("run one") == true)
            await first.release()
            await #expect(try store.read() == nil)
            let second = try await locker(store, run: "two").acquire(wait: 0)
            #expect(second.current.owner.runID == "two")
            await second.release()
        }
    }

    @Test func aWaitingRunGetsTheLockWhenItIsReleased() async throws {
        let root = scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = ExclusiveFileLockStore(root: root)
        let first = try await locker(store, run: "one").acquire(wait: 0)
        let releaser = Task {
            try await Task.sleep(for: .seconds(0.3))
            await first.release()
        }
        let started = Date()
        // A generous deadline: the sanitizers slow a full parallel run a lot.
        let second = try await locker(store, run: "two").acquire(wait: 60)
        #expect(Date().timeIntervalSince(started) >= 0.25)
        #expect(second.current.owner.runID == "two")
        await second.release()
        try await releaser.value
    }

    @Test func onlyOneOfManyConcurrentRunsWins() async throws {
        let root = scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = ExclusiveFileLockStore(root: root)
        let held = await withTaskGroup(of: HeldRepositoryLock?.self) { group in
            for i in 0..<8 {
                group.addTask { try? await locker(store, run: "run-\(i)").acquire(wait: 0) }
            }
            var won: [HeldRepositoryLock] = []
            for await lock in group { if let lock { won.append(lock) } }
            return won
        }
        #expect(held.count == 1)
        for lock in held { await lock.release() }
    }

    @Test func aStaleLockIsBrokenButAnExpiredOneWithinGraceIsNot() async throws {
        let root = scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        for store in try stores(root) {
            let old = Date().addingTimeInterval(-10_000)
            let stale = RepositoryLock(
                owner: .init(host: "gone", pid: 9, runID: "dead"), created: old, expires: old.addingTimeInterval(60),
                purpose: "run")
            await #expect(try store.create(stale.jsonData()))
            // Expired long ago, grace 300 s: broken.
            let taker = try await locker(store, run: "new").acquire(wait: 0)
            #expect(taker.current.owner.runID == "new")
            await taker.release()

            // Expired a minute ago, grace 1 h: still respected.
            let recent = RepositoryLock(
                owner: .init(host: "slow", pid: 9, runID: "late"), created: Date().addingTimeInterval(-120),
                expires: Date().addingTimeInterval(-60), purpose: "run")
            await #expect(try store.create(recent.jsonData()))
            await #expect(throws: QSnapError.self) {
                try await locker(store, run: "new2", grace: 3600).acquire(wait: 0)
            }
            await #expect(try store.delete(expected: recent.jsonData()))
        }
    }

    @Test func renewalExtendsTheLockAndALostLockStopsTheRun() async throws {
        let root = scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = ExclusiveFileLockStore(root: root)
        let held = try await locker(store, run: "one", ttl: 100).acquire(wait: 0)
        let first = held.current.expires
        #expect(await held.renewIfDue(now: Date().addingTimeInterval(60)))  // past half the TTL
        #expect(held.current.expires > first)
        let stored = try RepositoryLock.decode(try #require(try store.read()), location: "test")
        #expect(stored.expires.timeIntervalSince(first) >= 59, "the stored lock carries the new expiry")
        #expect(try store.read() == held.current.jsonData())
        try held.ensureHeld()

        // Someone removes the lock by hand and another run takes it: the next renewal notices.
        let deleted = try await store.delete(expected: held.current.jsonData())
        #expect(deleted)
        let other = try await locker(store, run: "two").acquire(wait: 0)
        #expect(await !held.renewIfDue(now: Date().addingTimeInterval(200)))
        #expect(throws: QSnapError.self) { try held.ensureHeld() }
        await held.release()
        #expect(try store.read() == other.current.jsonData(), "releasing a lost lock leaves the new holder's lock")
        await other.release()
    }

    @Test func theBackgroundTaskRenewsTheLockWhileTheRunWorks() async throws {
        let root = scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = ExclusiveFileLockStore(root: root)
        let held = try await locker(store, run: "long", ttl: 10, grace: 0).acquire(wait: 0)
        let initial = try #require(try store.read())
        held.startRenewing()
        // A renewal is due after half the TTL. Under a loaded run (the sanitizers, every suite in parallel on two
        // cores) CPU-bound tests can hold the cooperative threads for a long time, so wait for it (120 s at most).
        let deadline = Date().addingTimeInterval(120)
        var now = initial
        while now == initial, Date() < deadline {
            try await Task.sleep(for: .milliseconds(100))
            now = try #require(try store.read())
        }
        try held.ensureHeld()
        #expect(now != initial)
        #expect(try RepositoryLock.decode(now, location: "test").expires > Date())
        await #expect(throws: QSnapError.self) {
            try await locker(store, run: "other", ttl: 10, grace: 0).acquire(wait: 0)
        }
        await held.release()
        #expect(try store.read() == nil)
    }

    @Test func aReleasedLockIsFreedOnceItsRenewalTaskEnds() async throws {
        let root = scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        weak var freed: HeldRepositoryLock?
        do {
            let held = try await locker(ExclusiveFileLockStore(root: root), run: "short", ttl: 2, grace: 0).acquire(
                wait: 0)
            held.startRenewing()
            await held.release()
            freed = held
        }
        #expect(freed == nil, "the lock and its renewal task keep each other alive")
    }

    @Test func renewingALocalLockNeverLeavesAGapForAWaitingRun() async throws {
        let root = scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = ExclusiveFileLockStore(root: root)
        let held = try await locker(store, run: "holder", ttl: 100).acquire(wait: 0)
        let done = Mutex(false)
        let watcher = Task {
            var gaps = 0
            while !done.withLock({ $0 }) {
                if (try? await store.read()) == nil { gaps += 1 }
                await Task.yield()
            }
            return gaps
        }
        var now = Date()
        for _ in 0..<200 {
            now = now.addingTimeInterval(60)
            #expect(await held.renewIfDue(now: now))
        }
        done.withLock { $0 = true }
        #expect(await watcher.value == 0)
        await held.release()
    }

    @Test func anUnreadableLockIsRefusedNotBroken() async throws {
        let root = scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let store = ExclusiveFileLockStore(root: root)
        #expect(try store.create(Data("garbage".utf8)))
        let error = await #expect(throws: QSnapError.self) { try await locker(store, run: "x").acquire(wait: 0) }
        #expect(error?.code.category == .refused)
        #expect(try store.read() == Data("garbage".utf8))
    }
}
