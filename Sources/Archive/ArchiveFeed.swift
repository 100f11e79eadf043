import Foundation
import QSnapCore

/// A bounded queue of ``ArchiveChunk``s between a task and a libarchive job on ``ArchiveWorkers``, in either
/// direction: a task pushes the bytes it streams elsewhere (``push(_:)``) and an ``ArchiveReader`` on a pool thread
/// pulls them (``next()``); or a pool thread pushes what it extracts (``pushOnThread(_:)``) and a task pulls it
/// (``nextChunk()``). The blocking calls are for pool threads only, the async ones for tasks.
///
/// The producer waits while ``limit`` bytes are queued. Either side can stop the other: ``finish(_:)`` ends the
/// stream for the consumer (with an error to fail it), ``close()`` makes the producer's next push throw.
public final class ArchiveFeed: Sendable {
    private struct State {
        /// Queued chunks from ``head`` on; a slot is emptied when its chunk is taken, so a consumed chunk is freed
        /// as soon as its consumer lets go of it, not when the queue is next compacted.
        var chunks: [ArchiveChunk?] = []
        var head = 0
        var queued = 0
        var finished = false
        var failure: (any Error & Sendable)?
        var closed = false
        /// Tasks waiting for a change (room, a chunk, the end); each re-checks when resumed.
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = ConditionLock(State())
    /// Bytes the producer may be ahead of the consumer.
    public let limit: Int

    /// Creates a feed.
    public init(limit: Int = 16 << 20) { self.limit = limit }

    /// Producer task: queues `chunk` (which must not change afterwards), waiting while the feed is full.
    /// - Throws: ``ArchiveError`` `archive.feed-closed` once the consumer has closed the feed; `CancellationError`.
    public func push(_ chunk: ArchiveChunk) async throws {
        _ = try await waitInTask { s -> Bool? in
            if s.closed { throw Self.closedError }
            if s.queued >= limit { return nil }
            Self.append(chunk, to: &s)
            return true
        }
    }

    /// Producer thread (a pool job): queues `chunk`, blocking while the feed is full.
    /// - Throws: ``ArchiveError`` `archive.feed-closed` once the consumer has closed the feed.
    public func pushOnThread(_ chunk: ArchiveChunk) throws {
        let waiters = try state.wait { s -> [CheckedContinuation<Void, Never>]? in
            if s.closed { throw Self.closedError }
            if s.queued >= limit { return nil }
            Self.append(chunk, to: &s)
            return Self.takeWaiters(&s)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Producer: the end of the stream, or (with an error) its failure, which the consumer's next pull throws.
    public func finish(_ error: (any Error & Sendable)? = nil) {
        let waiters = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            if !s.finished {
                s.finished = true
                s.failure = error
                if error != nil {  // a failed stream ends now, not after what is still queued
                    s.chunks.removeAll()
                    s.head = 0
                    s.queued = 0
                }
            }
            return Self.takeWaiters(&s)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Consumer: stops reading; the producer's next push throws and queued chunks are released.
    public func close() {
        let waiters = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.closed = true
            s.chunks.removeAll()
            s.head = 0
            s.queued = 0
            return Self.takeWaiters(&s)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Consumer thread (a pool job): the next chunk, or `nil` at the end of the stream; blocks until there is one.
    /// - Throws: the error the producer finished with.
    public func next() throws -> ArchiveChunk? {
        let (chunk, waiters) = try state.wait { s -> (ArchiveChunk?, [CheckedContinuation<Void, Never>])? in
            guard let outcome = try Self.take(&s) else { return nil }
            return (outcome.chunk, Self.takeWaiters(&s))
        }
        for waiter in waiters { waiter.resume() }
        return chunk
    }

    /// Consumer task: the next chunk, or `nil` at the end of the stream.
    /// - Throws: the error the producer finished with; `CancellationError`.
    public func nextChunk() async throws -> ArchiveChunk? {
        try await waitInTask { s -> ArchiveChunk?? in
            guard let outcome = try Self.take(&s) else { return nil }
            return .some(outcome.chunk)
        }
    }

    // MARK: - State

    private static var closedError: ArchiveError {
        ArchiveError(.feedClosed, "the archive reader stopped reading")
    }

    private static func append(_ chunk: ArchiveChunk, to s: inout State) {
        guard chunk.count > 0, !s.finished else { return }
        s.chunks.append(chunk)
        s.queued += chunk.count
    }

    /// The next chunk (`chunk: nil` at the end), or `nil` when the consumer must wait.
    private static func take(_ s: inout State) throws -> (chunk: ArchiveChunk?, Void)? {
        if s.head < s.chunks.count, let chunk = s.chunks[s.head] {
            s.chunks[s.head] = nil
            s.head += 1
            s.queued -= chunk.count
            if s.head > 64 {
                s.chunks.removeFirst(s.head)
                s.head = 0
            }
            return (chunk, ())
        }
        if s.closed { return (nil, ()) }
        if s.finished {
            if let failure = s.failure { throw failure }
            return (nil, ())
        }
        return nil
    }

    private static func takeWaiters(_ s: inout State) -> [CheckedContinuation<Void, Never>] {
        defer { s.waiters = [] }
        return s.waiters
    }

    /// Runs `attempt` under the lock until it returns a result, suspending the task (not blocking its thread)
    /// between attempts; wakes the other side after a successful attempt.
    private func waitInTask<R>(_ attempt: (inout State) throws -> R?) async throws -> R {
        while true {
            try Task.checkCancellation()
            var result: R?
            var failure: (any Error)?
            var woken: [CheckedContinuation<Void, Never>] = []
            await withTaskCancellationHandler {
                await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                    do {
                        let done = try state.withLock { s -> Bool in
                            if let r = try attempt(&s) {
                                result = r
                                woken = Self.takeWaiters(&s)
                                return true
                            }
                            if Task.isCancelled { return true }
                            s.waiters.append(continuation)
                            return false
                        }
                        if done { continuation.resume() }
                    } catch {
                        failure = error
                        continuation.resume()
                    }
                }
            } onCancel: {
                let waiters = state.withLock { Self.takeWaiters(&$0) }
                for waiter in waiters { waiter.resume() }
            }
            for waiter in woken { waiter.resume() }
            if let failure { throw failure }
            if let result { return result }
        }
    }
}
