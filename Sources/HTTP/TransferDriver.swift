internal import CCurl
import Foundation
import QSnapCore

/// The caller's side of a transfer on the ``CurlEventLoop``: it hands the response head, body chunks and progress to
/// the caller's callbacks and feeds a streamed request body from the caller's `read` closure — all in the caller's
/// task, so a slow or blocking callback only pauses its own transfer, never the loop.
///
/// Not `Sendable`: it holds the caller's closures, which never leave the caller.
struct TransferDriver {
    let transfer: CurlTransfer
    var onResponse: ((Int, [HTTPHeader]) throws -> Void)?
    var onBody: ((UnsafeRawBufferPointer) throws -> Void)?
    var onProgress: ((Int64, Int64) -> Void)?
    /// The streamed request body (``CurlTransfer/Source/queue``).
    var read: ((UnsafeMutableRawBufferPointer) throws -> Int)?
    /// The body, when no `onBody` was given.
    var body: [UInt8] = []
    var responseDelivered = false
    /// What a callback threw; the transfer was aborted and this is the outcome.
    var error: (any Error)?

    init(transfer: CurlTransfer) { self.transfer = transfer }

    /// Does what can be done now without waiting; returns the completion once the transfer ended and everything
    /// before it was handed over.
    mutating func step() -> CurlCompletion? {
        let taken = transfer.state.withLock { state in
            let head = state.head
            state.head = nil
            let chunks = state.chunks
            state.chunks = []
            state.queued = 0
            let resume = state.receivePaused
            state.receivePaused = false
            let progress = state.progress
            state.progress = nil
            let space = state.uploadEnded ? 0 : CurlTransfer.bound - state.uploadQueued
            return (head, chunks, resume, progress, space, state.completion)
        }
        if taken.2 { CurlEventLoop.shared.resume(transfer) }
        guard error == nil else { return taken.5 }
        do {
            if let head = taken.0 { try deliverResponse(status: head.status, headers: head.headers) }
            for chunk in taken.1 {
                if let onBody { try chunk.withUnsafeBytes { try onBody($0) } } else { body += chunk }
            }
            if let progress = taken.3 { onProgress?(progress.sent, progress.received) }
            if taken.5 == nil, taken.4 > 0, read != nil { try produce(upTo: taken.4) }
        } catch {
            self.error = error
            CurlEventLoop.shared.abort(transfer, error: CallbackFailed())
            // Its completion (now or soon) ends the wait; what was thrown is the outcome.
        }
        return taken.5
    }

    /// Delivers status and headers once, for the final response.
    mutating func deliverResponse(status: Int, headers: [HTTPHeader]) throws {
        guard !responseDelivered else { return }
        responseDelivered = true
        try onResponse?(status, headers)
    }

    /// Reads up to `space` bytes of the request body from `read` and queues them for the loop.
    mutating func produce(upTo space: Int) throws {
        guard let read else { return }
        var chunks: [[UInt8]] = []
        var total = 0
        var ended = false
        while total < space {
            var chunk = [UInt8](repeating: 0, count: min(256 * 1024, space - total))
            let n = try chunk.withUnsafeMutableBytes { try read($0) }
            if n == 0 {
                ended = true
                break
            }
            chunk.removeLast(chunk.count - n)
            total += n
            chunks.append(chunk)
        }
        if ended { self.read = nil }
        let resume = transfer.state.withLock { state -> Bool in
            state.upload += chunks
            state.uploadQueued += total
            if ended { state.uploadEnded = true }
            defer { state.sendPaused = false }
            return state.sendPaused
        }
        if resume { CurlEventLoop.shared.resume(transfer) }
    }

    /// Runs the transfer to its end in the calling task; cancelling the task aborts it (``CancellationError``).
    mutating func run() async -> CurlCompletion {
        let transfer = transfer
        CurlEventLoop.shared.submit(transfer)
        return await withTaskCancellationHandler {
            while true {
                if let completion = step() { return completion }
                await transfer.consumer.wait()
            }
        } onCancel: {
            CurlEventLoop.shared.abort(transfer, error: CancellationError())
        }
    }
}

/// The abort reason of a transfer whose caller-side callback threw (the driver keeps what it threw).
struct CallbackFailed: Error, Sendable {}
