internal import CCurl
import Foundation
import QSnapCore
import Synchronization

/// How a transfer ended, posted once by the event loop.
struct CurlCompletion: Sendable {
    /// The `CURLcode` (0 when it succeeded).
    var code: UInt32
    /// libcurl's error text (its error buffer, else `curl_easy_strerror`); empty on success.
    var message: String
    /// `CURLINFO_RESPONSE_CODE`.
    var responseCode: Int
    /// The status and headers parsed from the last response head.
    var status: Int
    var headers: [HTTPHeader]
    /// An error the loop-side callbacks raised (a cancellation flag, a process stop, an unreadable file) or the reason
    /// the transfer was aborted (``CurlEventLoop/abort(_:error:)``): it wins over `code`.
    var error: (any Error & Sendable)?
}

/// What a transfer shares between the event loop thread and the side that drives it (a blocked caller or a task):
/// the response head and body chunks flowing out of libcurl, the request body chunks flowing in, and the completion.
struct TransferState {
    var head: (status: Int, headers: [HTTPHeader])?
    /// Received body chunks not yet consumed, and their byte count.
    var chunks: [[UInt8]] = []
    var queued = 0
    /// The write callback returned `CURL_WRITEFUNC_PAUSE`; the consumer asks the loop to resume once it drained.
    var receivePaused = false
    /// Request body chunks not yet sent (streamed bodies only), their byte count, and whether the producer ended.
    var upload: [[UInt8]] = []
    var uploadOffset = 0
    var uploadQueued = 0
    var uploadEnded = false
    /// The read callback returned `CURL_READFUNC_PAUSE`; the producer asks the loop to resume once it added data.
    var sendPaused = false
    /// Progress not yet reported to the caller.
    var progress: (sent: Int64, received: Int64)?
    var lastProgress: (sent: Int64, received: Int64) = (0, 0)
    var completion: CurlCompletion?
    /// An async producer's task, cancelled when the transfer ends.
    var producer: Task<Void, Never>?
    /// For tests: how often receiving was paused, bytes taken from libcurl and the most ever queued.
    var receivePauses = 0
    var received: Int64 = 0
    var maxQueued = 0
}

/// One transfer on the ``CurlEventLoop``: its easy handle and the state libcurl's C callbacks use (handed to them as
/// an unretained opaque pointer; the loop keeps the transfer alive while its handle is in the multi handle).
///
/// Fields above `state` are set up before submission and afterwards touched only by the loop thread until the
/// completion is posted; after that only by the driver.
// @unchecked: loop-thread fields follow the hand-off above; shared ones are in `state`.
final class CurlTransfer: @unchecked Sendable {
    enum Source {
        case none
        case memory(UnsafeRawBufferPointer)
        case file(fd: Int32, offset: Int64, length: Int64)
        /// Chunks the driver queues in ``TransferState/upload``.
        case queue
    }

    /// How much received body may wait for the consumer before the transfer is paused, and how much request body
    /// the producer may queue ahead of libcurl.
    static let bound = 1024 * 1024

    let handle: UnsafeMutableRawPointer
    var headerList: UnsafeMutablePointer<curl_slist>?
    var source: Source = .none
    var position: Int64 = 0
    var status = 0
    var headers: [HTTPHeader] = []
    var headPosted = false
    /// False for a transfer that started after the process was asked to stop (clean-up): it is not aborted.
    var abortOnStop = !ProcessStop.isRequested
    /// Whether the driver wants progress reports.
    var reportsProgress = false
    /// What the transfer is, for the cancellation error (`GET <redacted URL>`).
    var label = ""
    var callbackError: (any Error & Sendable)?
    let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
    /// A request body copied for an async request (``HTTPRequestBody/bytes(_:)`` cannot be borrowed across awaits).
    var ownedBody: UnsafeMutableRawBufferPointer?
    /// Whether the handle goes back to a pool (then whoever returns it clears `ownsHandle`).
    var ownsHandle = true

    let state = PThreadLocked(TransferState())
    let consumer: Wake
    let producer: Wake

    init(handle: UnsafeMutableRawPointer, consumer: Wake, producer: Wake) {
        self.handle = handle
        self.consumer = consumer
        self.producer = producer
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    }

    deinit {
        if ownsHandle { curl_easy_cleanup(handle) }
        curl_slist_free_all(headerList)
        errorBuffer.deallocate()
        ownedBody?.deallocate()
    }

    var opaque: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }

    static func from(_ pointer: UnsafeMutableRawPointer?) -> CurlTransfer {
        Unmanaged<CurlTransfer>.fromOpaque(pointer!).takeUnretainedValue()
    }

    // MARK: loop thread

    /// Posts status and headers once, for the final (non-1xx) response.
    func postHead() {
        guard !headPosted else { return }
        headPosted = true
        let head = (status, headers)
        state.withLock { $0.head = head }
        consumer.signal()
    }

    func headerLine(_ line: String) {
        let trimmed = line.trimmingCharacters(in: CharacterSet(charactersIn: "\r\n"))
        if trimmed.hasPrefix("HTTP/") {
            let parts = trimmed.split(separator: " ", maxSplits: 2)
            status = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
            headers = []
            return
        }
        if trimmed.isEmpty {
            if status >= 200 { postHead() }
            return
        }
        if let colon = trimmed.firstIndex(of: ":") {
            let name = String(trimmed[..<colon])
            let value = trimmed[trimmed.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            headers.append(HTTPHeader(name: name, value: value))
        }
    }

    /// Queues a received chunk for the consumer, or pauses the transfer while the consumer is a bound behind.
    func write(_ buffer: UnsafeRawBufferPointer) -> Int {
        postHead()
        let accepted = state.withLock { state -> Bool in
            if state.queued >= CurlTransfer.bound {
                state.receivePaused = true
                state.receivePauses += 1
                return false
            }
            state.chunks.append(Array(buffer))
            state.queued += buffer.count
            state.received += Int64(buffer.count)
            state.maxQueued = max(state.maxQueued, state.queued)
            return true
        }
        consumer.signal()
        return accepted ? buffer.count : Int(CURL_WRITEFUNC_PAUSE)
    }

    /// Fills `buffer`; returns the count, 0 at the end, `CURL_READFUNC_PAUSE` while the producer is behind, or
    /// `nil` after an error (stored in `callbackError`).
    func read(into buffer: UnsafeMutableRawBufferPointer) -> Int? {
        switch source {
        case .none:
            return 0
        case .memory(let memory):
            let remaining = memory.count - Int(position)
            let n = min(remaining, buffer.count)
            guard n > 0, let base = memory.baseAddress, let dst = buffer.baseAddress else { return 0 }
            dst.copyMemory(from: base + Int(position), byteCount: n)
            position += Int64(n)
            return n
        case .file(let fd, let offset, let length):
            let n = Int(min(Int64(buffer.count), length - position))
            guard n > 0 else { return 0 }
            while true {
                let got = pread(fd, buffer.baseAddress, n, off_t(offset + position))
                if got < 0 && errno == EINTR { continue }
                if got < 0 {
                    callbackError = HTTPBodyError(
                        message: "reading the request body failed: \(String(cString: strerror(errno)))")
                    return nil
                }
                if got == 0 {
                    callbackError = HTTPBodyError(message: "the file to send became shorter while it was being sent")
                    return nil
                }
                position += Int64(got)
                return got
            }
        case .queue:
            let n = state.withLock { state -> Int in
                var n = 0
                while n < buffer.count, let first = state.upload.first {
                    let take = min(buffer.count - n, first.count - state.uploadOffset)
                    first.withUnsafeBytes { chunk in
                        (buffer.baseAddress! + n).copyMemory(
                            from: chunk.baseAddress! + state.uploadOffset, byteCount: take)
                    }
                    n += take
                    state.uploadOffset += take
                    if state.uploadOffset == first.count {
                        state.upload.removeFirst()
                        state.uploadOffset = 0
                    }
                }
                state.uploadQueued -= n
                if n == 0 && !state.uploadEnded {
                    state.sendPaused = true
                    return Int(CURL_READFUNC_PAUSE)
                }
                return n
            }
            if n != 0 { producer.signal() }
            if n > 0 { position += Int64(n) }
            return n
        }
    }

    /// Rewinds for libcurl (redirects, auth retries); `false` for one-shot streams.
    func seek(to offset: Int64) -> Bool {
        switch source {
        case .none, .memory, .file:
            position = offset
            return true
        case .queue:
            return offset == position
        }
    }

    /// Posts the completion and wakes both sides.
    func finish(code: CURLcode, abortError: (any Error & Sendable)? = nil) {
        let detail = String(cString: errorBuffer)
        var responseCode = 0
        _ = ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &responseCode)
        let completion = CurlCompletion(
            code: code.rawValue,
            message: code == CURLE_OK ? "" : detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail,
            responseCode: responseCode, status: status, headers: headers, error: abortError ?? callbackError)
        let producerTask = state.withLock { state -> Task<Void, Never>? in
            state.completion = completion
            return state.producer
        }
        producerTask?.cancel()
        consumer.signal()
        producer.signal()
    }
}

/// A request body that could not be read.
struct HTTPBodyError: Error, Sendable, CustomStringConvertible {
    var message: String
    var description: String { message }
}

let curlWriteCallback: curl_write_callback = { data, size, count, userdata in
    let transfer = CurlTransfer.from(userdata)
    return transfer.write(UnsafeRawBufferPointer(start: data, count: size * count))
}

let curlHeaderCallback: curl_write_callback = { data, size, count, userdata in
    let transfer = CurlTransfer.from(userdata)
    let n = size * count
    guard let data else { return n }
    transfer.headerLine(String(decoding: UnsafeRawBufferPointer(start: data, count: n), as: UTF8.self))
    return n
}

let curlReadCallback: curl_read_callback = { data, size, count, userdata in
    let transfer = CurlTransfer.from(userdata)
    guard let data else { return 0 }
    guard let n = transfer.read(into: UnsafeMutableRawBufferPointer(start: data, count: size * count)) else {
        return Int(CURL_READFUNC_ABORT)
    }
    return n
}

let curlSeekCallback: curl_seek_callback = { userdata, offset, origin in
    let transfer = CurlTransfer.from(userdata)
    guard origin == SEEK_SET else { return Int32(CURL_SEEKFUNC_CANTSEEK) }
    return transfer.seek(to: Int64(offset)) ? Int32(CURL_SEEKFUNC_OK) : Int32(CURL_SEEKFUNC_CANTSEEK)
}

/// Reports progress and stops the transfers running when the process is asked to stop: libcurl calls it often while
/// data flows and about once a second while the transfer is stalled; a non-zero return aborts the transfer.
let curlProgressCallback: curl_xferinfo_callback = { userdata, _, received, _, sent in
    let transfer = CurlTransfer.from(userdata)
    // A stop asked of the process (SIGTERM, SIGINT) aborts the transfers that were running then.
    if transfer.abortOnStop, let stopped = ProcessStop.stoppedError {
        if transfer.callbackError == nil { transfer.callbackError = stopped }
        return 1
    }
    if transfer.reportsProgress {
        let changed = transfer.state.withLock { state -> Bool in
            let now = (sent: Int64(sent), received: Int64(received))
            if state.lastProgress == now { return false }
            state.lastProgress = now
            state.progress = now
            return true
        }
        if changed { transfer.consumer.signal() }
    }
    return 0
}
