import Foundation
import QSnapCore
import Synchronization
import Testing

@testable import Archive

@Suite struct ArchiveWorkersTests {
    @Test func aJobRunsOffTheCallersThreadAndReturnsItsResult() async throws {
        let caller = pthread_self()
        let (value, onOtherThread) = try await ArchiveWorkers.run { (42, pthread_equal(pthread_self(), caller) == 0) }
        #expect(value == 42)
        #expect(onOtherThread)
        struct Boom: Error {}
        await #expect(throws: Boom.self) { try await ArchiveWorkers.run { throw Boom() } }
    }

    @Test func moreJobsThanThreadsWaitTheirTurnAndAllFinish() async throws {
        // Jobs that block (as libarchive does while waiting for bytes): at most `maximumThreads` run at once.
        final class Counter: Sendable {
            let state = Mutex((running: 0, peak: 0))
            func enter() {
                state.withLock {
                    $0.running += 1; $0.peak = max($0.peak, $0.running)
                }
            }
            func leave() { state.withLock { $0.running -= 1 } }
        }
        let counter = Counter()
        let results = try await withThrowingTaskGroup(of: Int.self) { group in
            for i in 0..<(ArchiveWorkers.maximumThreads * 3) {
                group.addTask {
                    try await ArchiveWorkers.run {
                        counter.enter()
                        usleep(20_000)
                        counter.leave()
                        return i
                    }
                }
            }
            var all: [Int] = []
            for try await i in group { all.append(i) }
            return all
        }
        #expect(results.sorted() == Array(0..<(ArchiveWorkers.maximumThreads * 3)))
        #expect(counter.state.withLock { $0.peak } <= ArchiveWorkers.maximumThreads)
    }
}
