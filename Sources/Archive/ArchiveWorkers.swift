import Foundation
import QSnapCore

/// The small pool of threads that run libarchive: its read callbacks block until the next bytes arrive, which must
/// never happen on Swift's cooperative pool. Up to ``maximumThreads`` threads are started on demand and then kept;
/// a job waits in a queue while all are busy. Async code hands a job over with ``run(_:)`` and is suspended (holding
/// no thread) until it is done.
///
/// A job that reads an ``ArchiveFeed`` must be fed by a task that does not itself wait for a pool thread, so the
/// pool never waits on itself.
public enum ArchiveWorkers {
    /// Threads at most: the restore and verify paths run one libarchive job per object in flight.
    public static let maximumThreads = 4
    /// Stack size of each thread: a deep inspection nests libarchive readers and JSON decoding.
    static let stackSize = 16 << 20

    private struct State {
        var queue: [@Sendable () -> Void] = []
        var threads = 0
        var busy = 0
    }

    private static let state = ConditionLock(State())

    /// Runs `body` on a pool thread and returns what it returns.
    /// - Throws: what `body` throws, or `failure("thread.create")` when no thread can be started.
    public static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let job: @Sendable () -> Void = {
                let result = Result { try body() }
                state.withLock { $0.busy -= 1 }  // before the caller resumes: it sees the job done
                continuation.resume(with: result)
            }
            let start = state.withLock { s -> Bool in
                s.queue.append(job)
                // More jobs waiting than threads free to take them: one more thread, up to the maximum.
                guard s.queue.count > s.threads - s.busy, s.threads < maximumThreads else { return false }
                s.threads += 1
                return true
            }
            if start, !startThread() {
                let dropped = state.withLock { s -> (@Sendable () -> Void)? in
                    s.threads -= 1
                    // With no thread at all the job would wait forever: fail it instead.
                    return s.threads == 0 ? s.queue.popLast() : nil
                }
                if dropped != nil {
                    continuation.resume(
                        throwing: ArchiveError(
                            .threadCreate, "cannot start a thread for libarchive: the system refused"))
                }
            }
        }
    }

    /// Starts one pool thread; `false` when the system refused.
    private static func startThread() -> Bool {
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setstacksize(&attributes, stackSize)
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        #if canImport(Darwin)
            var thread: pthread_t?
        #else
            var thread = pthread_t()
        #endif
        return pthread_create(&thread, &attributes, { _ in ArchiveWorkers.workLoop() }, nil) == 0
    }

    /// A pool thread: runs queued jobs, waiting while there are none. Kept for the life of the process.
    private static func workLoop() -> UnsafeMutableRawPointer? {
        while true {
            let job = state.wait { s -> (@Sendable () -> Void)? in
                guard !s.queue.isEmpty else { return nil }
                s.busy += 1
                return s.queue.removeFirst()
            }
            job()
        }
    }
}
