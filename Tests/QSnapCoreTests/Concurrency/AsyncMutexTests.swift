import QSnapCore
import Synchronization
import Testing

@Suite struct AsyncMutexTests {
    /// Counts bodies inside the mutex at once.
    final class Probe: Sendable {
        let state = Mutex((inside: 0, overlaps: 0, done: 0))
        func enter() {
            state.withLock {
                $0.inside += 1
                if $0.inside > 1 { $0.overlaps += 1 }
            }
        }
        func leave() {
            state.withLock {
                $0.inside -= 1
                $0.done += 1
            }
        }
    }

    @Test func bodiesNeverOverlapAcrossAwaits() async throws {
        let mutex = AsyncMutex()
        let probe = Probe()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<20 {
                group.addTask {
                    await mutex.withLock {
                        probe.enter()
                        try? await Task.sleep(for: .milliseconds(2))
                        probe.leave()
                    }
                }
            }
        }
        let (overlaps, done) = probe.state.withLock { ($0.overlaps, $0.done) }
        #expect(overlaps == 0)
        #expect(done == 20)
    }

    @Test func aThrowingBodyReleasesTheMutex() async throws {
        struct Boom: Error {}
        let mutex = AsyncMutex()
        await #expect(throws: Boom.self) { try await mutex.withLock { throw Boom() } }
        let value = await mutex.withLock { 42 }
        #expect(value == 42)
    }
}
