import Foundation
import QSnapCore
internal import CCurl

/// The per-transfer state handed to libcurl's C callbacks as an unretained opaque pointer.
final class CurlTransfer {
    enum Source {
        case none
        case memory(UnsafeRawBufferPointer)
        case file(fd: Int32, offset: Int64, length: Int64)
        case stream((UnsafeMutableRawBufferPointer) throws -> Int)
    }

    var source: Source = .none
    var position: Int64 = 0
    var status = 0
    var headers: [HTTPHeader] = []
    var body: [UInt8] = []
    var responseDelivered = false
    var onResponse: ((Int, [HTTPHeader]) throws -> Void)?
    var onBody: ((UnsafeRawBufferPointer) throws -> Void)?
    var onProgress: ((Int64, Int64) -> Void)?
    var cancellation: CancellationFlag?
    /// False for a transfer that started after the process was asked to stop (clean-up): it is not aborted.
    var abortOnStop = !ProcessStop.isRequested
    /// What the transfer is, for the cancellation error (`GET <redacted URL>`).
    var label = ""
    var callbackError: (any Error)?
    let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)

    init() { errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1) }
    deinit { errorBuffer.deallocate() }

    var opaque: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }

    static func from(_ pointer: UnsafeMutableRawPointer?) -> CurlTransfer {
        Unmanaged<CurlTransfer>.fromOpaque(pointer!).takeUnretainedValue()
    }

    /// Delivers status and headers once, for the final (non-1xx) response.
    func deliverResponse() throws {
        guard !responseDelivered else { return }
        responseDelivered = true
        try onResponse?(status, headers)
    }

    func headerLine(_ line: String) -> Bool {
        let trimmed = line.trimmingCharacters(in: CharacterSet(charactersIn: "\r\n"))
        if trimmed.hasPrefix("HTTP/") {
            let parts = trimmed.split(separator: " ", maxSplits: 2)
            status = parts.count > 1 ? Int(parts[1]) ?? 0 : 0
            headers = []
            return true
        }
        if trimmed.isEmpty {
            if status >= 200 {
                do { try deliverResponse() } catch {
                    callbackError = error
                    return false
                }
            }
            return true
        }
        if let colon = trimmed.firstIndex(of: ":") {
            let name = String(trimmed[..<colon])
            let value = trimmed[trimmed.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            headers.append(HTTPHeader(name: name, value: value))
        }
        return true
    }

    func write(_ buffer: UnsafeRawBufferPointer) -> Bool {
        do {
            try deliverResponse()
            if let onBody { try onBody(buffer) } else { body.append(contentsOf: buffer) }
            return true
        } catch {
            callbackError = error
            return false
        }
    }

    /// Fills `buffer`; returns the count, 0 at the end, or `nil` after an error (stored in `callbackError`).
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
                    callbackError = HTTPBodyError(message: "reading the request body failed: \(String(cString: strerror(errno)))")
                    return nil
                }
                if got == 0 {
                    callbackError = HTTPBodyError(message: "the file to send became shorter while it was being sent")
                    return nil
                }
                position += Int64(got)
                return got
            }
        case .stream(let read):
            do {
                let n = try read(buffer)
                position += Int64(n)
                return n
            } catch {
                callbackError = error
                return nil
            }
        }
    }

    /// Rewinds for libcurl (redirects, auth retries); `false` for one-shot streams.
    func seek(to offset: Int64) -> Bool {
        switch source {
        case .none, .memory, .file:
            position = offset
            return true
        case .stream:
            return offset == position
        }
    }
}

/// A request body that could not be read.
struct HTTPBodyError: Error, Sendable, CustomStringConvertible {
    var message: String
    var description: String { message }
}

let curlWriteCallback: curl_write_callback = { data, size, count, userdata in
    let transfer = CurlTransfer.from(userdata)
    let n = size * count
    return transfer.write(UnsafeRawBufferPointer(start: data, count: n)) ? n : 0
}

let curlHeaderCallback: curl_write_callback = { data, size, count, userdata in
    let transfer = CurlTransfer.from(userdata)
    let n = size * count
    guard let data else { return n }
    let line = String(decoding: UnsafeRawBufferPointer(start: data, count: n), as: UTF8.self)
    return transfer.headerLine(line) ? n : 0
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

/// Reports progress and stops a cancelled transfer: libcurl calls it often while data flows and about once a second
/// while the transfer is stalled; a non-zero return aborts the transfer.
let curlProgressCallback: curl_xferinfo_callback = { userdata, _, received, _, sent in
    let transfer = CurlTransfer.from(userdata)
    if let cancellation = transfer.cancellation, cancellation.isCancelled {
        if transfer.callbackError == nil { transfer.callbackError = CancellationFlag.cancelledError(transfer.label) }
        return 1
    }
    // A stop asked of the process (SIGTERM, SIGINT) aborts the transfers that were running then.
    if transfer.abortOnStop, let stopped = ProcessStop.stoppedError {
        if transfer.callbackError == nil { transfer.callbackError = stopped }
        return 1
    }
    transfer.onProgress?(Int64(sent), Int64(received))
    return 0
}
