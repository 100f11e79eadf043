import Foundation

/// Turns a push-style byte stream (``Repository/get(key:onBody:)`` on a producer thread) into the pull-style reads
/// an upload body needs, with bounded memory: the producer blocks while ``limit`` bytes wait.
final class ByteStreamPipe: @unchecked Sendable {
    private let condition = NSCondition()
    private var chunks: [[UInt8]] = []
    private var current: [UInt8] = []
    private var offset = 0
    private var buffered = 0
    private var finished = false
    private var failure: (any Error)?
    private var cancelled = false
    /// Bytes the producer may be ahead of the reader.
    let limit: Int

    /// Creates a pipe.
    init(limit: Int = 16 << 20) { self.limit = limit }

    /// Producer: appends bytes; blocks while the pipe is full; throws once the reader has cancelled.
    func write(_ bytes: UnsafeRawBufferPointer) throws {
        condition.lock()
        defer { condition.unlock() }
        while buffered >= limit && !cancelled { condition.wait() }
        if cancelled { throw CancellationError() }
        chunks.append([UInt8](bytes))
        buffered += bytes.count
        condition.broadcast()
    }

    /// Producer: the end of the stream, or its failure.
    func finish(_ error: (any Error)?) {
        condition.lock()
        finished = true
        failure = error
        condition.broadcast()
        condition.unlock()
    }

    /// Reader: stops the producer at its next write.
    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }

    /// Reader: fills `buffer` with the next bytes; 0 at the end; rethrows the producer's failure.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        condition.lock()
        defer { condition.unlock() }
        while offset >= current.count {
            if !chunks.isEmpty {
                current = chunks.removeFirst()
                offset = 0
                continue
            }
            if finished {
                if let failure { throw failure }
                return 0
            }
            condition.wait()
        }
        let n = min(buffer.count, current.count - offset)
        current.withUnsafeBytes { src in
            buffer.baseAddress!.copyMemory(from: src.baseAddress! + offset, byteCount: n)
        }
        offset += n
        buffered -= n
        condition.broadcast()
        return n
    }
}
