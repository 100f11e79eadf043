import Foundation
import QSnapCore

/// A bounded, single-producer single-consumer queue of ``ArchiveChunk``s: the producer pushes the bytes it streams
/// elsewhere (e.g. into an upload), the consumer — an ``ArchiveReader`` on its own thread, or a hash — pulls them.
///
/// The producer blocks while ``limit`` bytes wait. Either side can stop the other: ``finish(_:)`` ends the stream for
/// the consumer (with an error to fail it), ``close()`` makes the producer's next ``push(_:)`` throw.
public final class ArchiveFeed: @unchecked Sendable {
    private let condition = NSCondition()
    /// Queued chunks from ``head`` on; a slot is emptied when its chunk is taken, so a consumed chunk is freed as soon as
    /// its consumer lets go of it, not when the queue is next compacted.
    private var chunks: [ArchiveChunk?] = []
    private var head = 0
    private var queued = 0
    private var finished = false
    private var failure: QSnapError?
    private var closed = false
    /// Bytes the producer may be ahead of the consumer.
    public let limit: Int

    /// Creates a feed.
    public init(limit: Int = 16 << 20) { self.limit = limit }

    /// Producer: queues `chunk` (which must not change afterwards); blocks while the feed is full.
    /// - Throws: `failure("archive.feed-closed")` once the consumer has closed the feed.
    public func push(_ chunk: ArchiveChunk) throws {
        condition.lock()
        defer { condition.unlock() }
        while queued >= limit && !closed { condition.wait() }
        if closed { throw QSnapError(.failure("archive.feed-closed"), "the archive reader stopped reading") }
        guard chunk.count > 0, !finished else { return }
        chunks.append(chunk)
        queued += chunk.count
        condition.broadcast()
    }

    /// Producer: the end of the stream, or (with an error) its failure, which the consumer's next pull throws.
    public func finish(_ error: QSnapError? = nil) {
        condition.lock()
        if !finished {
            finished = true
            failure = error
            if error != nil {  // a failed stream ends now, not after what is still queued
                chunks.removeAll()
                head = 0
                queued = 0
            }
        }
        condition.broadcast()
        condition.unlock()
    }

    /// Consumer: stops reading; the producer's next ``push(_:)`` throws and queued chunks are released.
    public func close() {
        condition.lock()
        closed = true
        chunks.removeAll()
        head = 0
        queued = 0
        condition.broadcast()
        condition.unlock()
    }

    /// Consumer: the next chunk, or `nil` at the end of the stream.
    /// - Throws: the error the producer finished with.
    public func next() throws -> ArchiveChunk? {
        condition.lock()
        defer { condition.unlock() }
        while head == chunks.count && !finished && !closed { condition.wait() }
        if head < chunks.count, let chunk = chunks[head] {
            chunks[head] = nil
            head += 1
            queued -= chunk.count
            if head > 64 {
                chunks.removeFirst(head)
                head = 0
            }
            condition.broadcast()
            return chunk
        }
        if let failure { throw failure }
        return nil
    }
}
