import QSnapCore

/// A request body for ``HTTPClient/stream(_:body:)``: none, bytes, or chunks pulled from an async producer.
public struct HTTPAsyncBody: Sendable {
    enum Kind: Sendable {
        case none
        case bytes([UInt8])
        case producer(@Sendable () async throws -> [UInt8]?)
    }

    let kind: Kind
    /// The length to announce as `Content-Length`, or `nil` for chunked.
    public let length: Int64?

    /// No body.
    public static let none = HTTPAsyncBody(kind: .none, length: 0)

    /// Bytes in memory.
    public static func bytes(_ bytes: [UInt8]) -> HTTPAsyncBody {
        HTTPAsyncBody(kind: .bytes(bytes), length: Int64(bytes.count))
    }

    /// Chunks from `next` (`nil` at the end), pulled while libcurl has room for them: the transfer pauses while the
    /// producer is behind and `next` is not called while about a MiB waits to be sent. Not rewindable.
    /// - Parameters:
    ///   - length: the total length, or `nil` to send it chunked.
    ///   - next: the next chunk; what it throws aborts the transfer (`http.body`).
    public static func producer(length: Int64?, _ next: @escaping @Sendable () async throws -> [UInt8]?)
        -> HTTPAsyncBody
    {
        HTTPAsyncBody(kind: .producer(next), length: length)
    }

    /// Pulls `next` into `transfer`'s upload queue in a task of its own until the end, a failure or the transfer's end.
    static func startProducer(_ next: @escaping @Sendable () async throws -> [UInt8]?, for transfer: CurlTransfer) {
        let task = Task {
            while true {
                // `nil` once the transfer ended. A chunk may overshoot the bound: the room is then negative, and the
                // producer waits until libcurl took enough.
                let room = transfer.state.withLock { $0.completion == nil ? CurlTransfer.bound - $0.uploadQueued : nil }
                guard let room, !Task.isCancelled else { return }
                if room <= 0 {
                    await transfer.producer.wait()
                    continue
                }
                let chunk: [UInt8]?
                do { chunk = try await next() } catch {
                    // Cancelled because the transfer ended (or the server refused the request early): not a failure.
                    if Task.isCancelled { return }
                    let failure = HTTPBodyError(message: "the request body producer failed: \(error)")
                    CurlEventLoop.shared.abort(transfer, error: failure)
                    return
                }
                if chunk?.isEmpty == true { continue }
                let resume = transfer.state.withLock { state -> Bool in
                    if let chunk {
                        state.upload.append(chunk)
                        state.uploadQueued += chunk.count
                    } else {
                        state.uploadEnded = true
                    }
                    defer { state.sendPaused = false }
                    return state.sendPaused
                }
                if resume { CurlEventLoop.shared.resume(transfer) }
                if chunk == nil { return }
            }
        }
        let ended = transfer.state.withLock { state -> Bool in
            state.producer = task
            return state.completion != nil
        }
        if ended { task.cancel() }
    }
}

/// A response whose body is still arriving: ``HTTPClient/stream(_:body:)``.
public struct HTTPStreamingResponse: Sendable {
    /// The HTTP status code of the final response.
    public var status: Int
    /// The headers of the final response, in order.
    public var headers: [HTTPHeader]
    /// The body, in chunks.
    public var body: HTTPResponseBody

    /// The value of the first header named `name`, case-insensitive; `nil` if absent.
    public func header(_ name: String) -> String? { headers.first(named: name) }
}

/// The body of an ``HTTPStreamingResponse``: chunks in order, then the end — or the transfer's error. Iterate it once.
///
/// Back-pressure: libcurl hands over chunks until about ``CurlTransfer/bound`` bytes wait for the consumer; the
/// transfer is then paused (`CURL_WRITEFUNC_PAUSE`) and resumed when `next()` drained them. Cancelling the task
/// waiting in `next()`, or dropping the body before its end, aborts the transfer.
public final class HTTPResponseBody: AsyncSequence, Sendable {
    public typealias Element = [UInt8]

    let transfer: CurlTransfer
    private let label: String
    private let redactor: Redactor

    init(transfer: CurlTransfer, label: String, redactor: Redactor) {
        self.transfer = transfer
        self.label = label
        self.redactor = redactor
    }

    deinit { CurlEventLoop.shared.abort(transfer, error: CancellationError()) }

    /// The next chunk, `nil` at the end.
    /// - Throws: `CancellationError`, or the transfer's failure (as ``HTTPClient/execute(_:body:onResponse:onBody:onProgress:)``).
    func next() async throws -> [UInt8]? {
        let transfer = transfer
        return try await withTaskCancellationHandler {
            while true {
                let (chunk, resume, completion) = transfer.state.withLock {
                    state -> ([UInt8]?, Bool, CurlCompletion?) in
                    state.head = nil
                    guard !state.chunks.isEmpty else { return (nil, false, state.completion) }
                    let chunk = state.chunks.removeFirst()
                    state.queued -= chunk.count
                    let resume = state.receivePaused && state.queued < CurlTransfer.bound
                    if resume { state.receivePaused = false }
                    return (chunk, resume, nil)
                }
                if resume { CurlEventLoop.shared.resume(transfer) }
                if let chunk { return chunk }
                if let completion {
                    if !(completion.code != 0 && completion.error == nil && completion.status >= 400) {
                        try HTTPClient.check(completion, label: label, redactor: redactor)
                    }
                    return nil
                }
                await transfer.consumer.wait()
            }
        } onCancel: {
            CurlEventLoop.shared.abort(transfer, error: CancellationError())
        }
    }

    /// Collects the whole body.
    public func collect() async throws -> [UInt8] {
        var all: [UInt8] = []
        for try await chunk in self { all += chunk }
        return all
    }

    public struct AsyncIterator: AsyncIteratorProtocol {
        let body: HTTPResponseBody
        public mutating func next() async throws -> [UInt8]? { try await body.next() }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(body: self) }
}
