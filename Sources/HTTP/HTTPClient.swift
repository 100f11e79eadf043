internal import CCurl
import Foundation
import QSnapCore
import Synchronization

/// An HTTP/1.1 client over libcurl. Every transfer of the process runs on one ``CurlEventLoop`` thread (one multi
/// handle, so connections are shared); ``execute(_:body:onResponse:onBody:onProgress:)`` and ``stream(_:body:)``
/// await it.
///
/// Thread-safe: each transfer borrows an easy handle from a small pool.
public final class HTTPClient: Sendable {
    // @unchecked: an idle easy handle, used by one transfer at a time.
    private struct Handle: @unchecked Sendable { let pointer: UnsafeMutableRawPointer }

    static let globalInit: Int32 = {
        // libcurl initialises OpenSSL, which would then register its `atexit` clean-up: initialise it first without.
        OpenSSLRuntime.initialize()
        return curl_global_init(Int(CURL_GLOBAL_DEFAULT)).rawValue == 0 ? 0 : 1
    }()

    private let userAgent: String
    private let redactor: Redactor
    private let pool = PThreadLocked<[Handle]>([])
    private let maxPooled: Int
    private let tls: TLSSettings

    /// Creates a client.
    /// - Parameters:
    ///   - userAgent: the `User-Agent` header value.
    ///   - redactor: masks secrets in error messages (presigned query values are always masked).
    ///   - maxPooledHandles: idle easy handles (and their connections) kept for reuse.
    ///   - caBundlePath: a PEM file of CA certificates to trust for `https://` instead of the system's.
    ///   - tls: CA certificates and a client certificate for mutual TLS (``caBundlePath`` wins when both name a CA).
    public init(
        userAgent: String = "qsnap", redactor: Redactor = Redactor(), maxPooledHandles: Int = 16,
        caBundlePath: String? = nil, tls: TLSSettings = TLSSettings()
    ) {
        _ = HTTPClient.globalInit
        self.userAgent = userAgent
        self.redactor = redactor
        self.maxPooled = maxPooledHandles
        var tls = tls
        if let caBundlePath { tls.caBundlePath = caBundlePath }
        self.tls = tls
    }

    /// Whether requests present a client certificate (mutual TLS).
    public var presentsClientCertificate: Bool { tls.clientCertificatePath != nil }

    deinit {
        pool.withLock { handles in
            for h in handles { curl_easy_cleanup(h.pointer) }
            handles.removeAll()
        }
    }

    /// A pooled handle (reset when it was given back), or a new one. Every transfer sets all its options itself.
    private func borrow() -> UnsafeMutableRawPointer {
        if let handle = pool.withLock({ $0.popLast() }) { return handle.pointer }
        guard let h = curl_easy_init() else { fatalError("libcurl: curl_easy_init failed (out of memory)") }
        return h
    }

    /// Pools the handle of a finished transfer for reuse, reset first: it keeps no pointer to the transfer (error
    /// buffer, callback data, header list, body memory), which is freed with it. A handle not pooled is cleaned up
    /// with its transfer.
    private func giveBack(_ transfer: CurlTransfer, reusable: Bool) {
        guard reusable else { return }
        curl_easy_reset(transfer.handle)
        let handle = transfer.handle
        let kept = pool.withLock { handles -> Bool in
            guard handles.count < maxPooled else { return false }
            handles.append(Handle(pointer: handle))
            return true
        }
        if kept { transfer.ownsHandle = false }
    }

    /// Performs one request in the calling task and returns the response. The transfer runs on the
    /// ``CurlEventLoop``; the callbacks, and a ``HTTPRequestBody/stream(length:read:)`` body's `read`, are called in
    /// this task (keep them quick: they pause only this transfer). Cancelling the task aborts the transfer at once.
    ///
    /// - Parameters:
    ///   - request: method, URL (sent as is), headers and timeouts.
    ///   - body: the request body (``HTTPRequestBody/buffer(_:)`` memory must stay valid until this returns).
    ///   - onResponse: called once with the final status and headers, before any body byte.
    ///   - onBody: receives the body in chunks; when given, the returned ``HTTPResponse/body`` stays empty.
    ///   - onProgress: bytes sent and received so far.
    /// - Returns: the response (any status: HTTP errors are not thrown).
    /// - Throws: `CancellationError` when the task was cancelled, what a callback or the body source threw, the
    ///   process's stop (`interrupted`, SIGTERM or SIGINT), or an ``HTTPError`` `http.transport` whose
    ///   cause is an ``HTTPTransportError``.
    public func execute(
        _ request: HTTPRequest, body: HTTPRequestBody = .none,
        onResponse: ((Int, [HTTPHeader]) throws -> Void)? = nil,
        onBody: ((UnsafeRawBufferPointer) throws -> Void)? = nil,
        onProgress: ((_ sent: Int64, _ received: Int64) -> Void)? = nil
    ) async throws -> HTTPResponse {
        try Task.checkCancellation()
        var fileDescriptor: Int32 = -1
        defer { if fileDescriptor >= 0 { close(fileDescriptor) } }
        var owned: UnsafeMutableRawBufferPointer?
        let source: CurlTransfer.Source
        if case .bytes(let bytes) = body {
            let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 1)
            copy.copyBytes(from: bytes)
            owned = copy
            source = .memory(UnsafeRawBufferPointer(copy))
        } else {
            source = try self.source(of: body, fileDescriptor: &fileDescriptor)
        }
        let transfer: CurlTransfer
        do {
            transfer = try makeTransfer(request, body: body, source: source, consumer: Wake(), producer: Wake())
        } catch {
            owned?.deallocate()
            throw error
        }
        transfer.ownedBody = owned
        var driver = TransferDriver(transfer: transfer)
        driver.onResponse = onResponse
        driver.onBody = onBody
        driver.onProgress = onProgress
        if case .stream(_, let read) = body { driver.read = read }
        transfer.reportsProgress = onProgress != nil
        let completion = await driver.run()
        return try outcome(of: &driver, completion, request: request)
    }

    /// Starts a request and returns as soon as the response head arrived; its body is an `AsyncSequence` of chunks
    /// with back-pressure (the transfer pauses while about ``CurlTransfer/bound`` bytes wait for the consumer).
    /// Cancelling the task that waits (here or in the body's `next()`) aborts the transfer; so does dropping the body
    /// before its end.
    ///
    /// - Parameters:
    ///   - request: method, URL (sent as is), headers and timeouts.
    ///   - body: the request body; a ``HTTPAsyncBody/producer(length:_:)`` is pulled while libcurl has room.
    /// - Returns: status, headers and the body sequence.
    /// - Throws: `CancellationError`, a body producer's failure (`http.body`), the process's stop (`interrupted`), or
    ///   `http.transport`.
    public func stream(_ request: HTTPRequest, body: HTTPAsyncBody = .none) async throws -> HTTPStreamingResponse {
        try Task.checkCancellation()
        var owned: UnsafeMutableRawBufferPointer?
        let source: CurlTransfer.Source
        let plain: HTTPRequestBody
        switch body.kind {
        case .none:
            source = .none
            plain = .none
        case .bytes(let bytes):
            let copy = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 1)
            copy.copyBytes(from: bytes)
            owned = copy
            source = .memory(UnsafeRawBufferPointer(copy))
            plain = .buffer(UnsafeRawBufferPointer(copy))
        case .producer:
            source = .queue
            plain = .stream(length: body.length) { _ in 0 }  // only its length and kind are read
        }
        let transfer: CurlTransfer
        do {
            transfer = try makeTransfer(
                request, body: plain, source: source, consumer: Wake(), producer: Wake())
        } catch {
            owned?.deallocate()
            throw error
        }
        transfer.ownedBody = owned
        let label = "\(request.method.uppercased()) \(redacted(request.url))"
        let responseBody = HTTPResponseBody(transfer: transfer, label: label, redactor: redactor)
        CurlEventLoop.shared.submit(transfer)
        if case .producer(let next) = body.kind { HTTPAsyncBody.startProducer(next, for: transfer) }
        let head = await withTaskCancellationHandler {
            while true {
                let (head, completion) = transfer.state.withLock { state in
                    defer { state.head = nil }
                    return (state.head, state.completion)
                }
                if let head { return (head.status, head.headers, completion) }
                if let completion { return (completion.responseCode, completion.headers, completion) }
                await transfer.consumer.wait()
            }
        } onCancel: {
            CurlEventLoop.shared.abort(transfer, error: CancellationError())
        }
        if let completion = head.2, completion.code != 0 || completion.error != nil, completion.status < 400 {
            try HTTPClient.check(completion, label: label, redactor: redactor)
        }
        if head.2 == nil, head.0 >= 300, case .producer = body.kind {
            // Refused before the body was sent (e.g. 401/403 on an upload): the server will not read the rest, so
            // stop producing and let libcurl end the request instead of waiting to send what nobody reads.
            let task = transfer.state.withLock { state -> Task<Void, Never>? in
                state.upload.removeAll()
                state.uploadQueued = 0
                state.uploadOffset = 0
                state.uploadEnded = true
                state.sendPaused = false
                return state.producer
            }
            task?.cancel()
            CurlEventLoop.shared.resume(transfer)
        }
        return HTTPStreamingResponse(status: head.0, headers: head.1, body: responseBody)
    }

    /// The transfer's source for `body` (``HTTPRequestBody/bytes(_:)`` is bound by the caller); opens a file body.
    private func source(of body: HTTPRequestBody, fileDescriptor: inout Int32) throws -> CurlTransfer.Source {
        switch body {
        case .none: return .none
        case .bytes: preconditionFailure("bytes are bound by the caller")
        case .buffer(let memory): return .memory(memory)
        case .file(let path, let offset, let length):
            fileDescriptor = open(path, O_RDONLY | O_CLOEXEC)
            guard fileDescriptor >= 0 else {
                throw HTTPError(
                    .body,
                    "cannot open \(path) to send it: \(String(cString: strerror(errno)))")
            }
            return .file(fd: fileDescriptor, offset: offset, length: length)
        case .stream: return .queue
        }
    }

    /// A transfer for `request` with every option set, ready for the loop.
    private func makeTransfer(
        _ request: HTTPRequest, body: HTTPRequestBody, source: CurlTransfer.Source, consumer: Wake, producer: Wake
    ) throws -> CurlTransfer {
        let hasBody: Bool
        if case .none = body { hasBody = false } else { hasBody = true }
        let bodyLength = body.length
        let transfer = CurlTransfer(handle: borrow(), consumer: consumer, producer: producer)
        transfer.source = source
        let handle = transfer.handle

        _ = ccurl_setopt_string(handle, CURLOPT_URL, request.url)
        _ = ccurl_setopt_long(handle, CURLOPT_PATH_AS_IS, 1)
        _ = ccurl_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        _ = ccurl_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS, Int(request.connectTimeout * 1000))
        if let timeout = request.timeout { _ = ccurl_setopt_long(handle, CURLOPT_TIMEOUT_MS, Int(timeout * 1000)) }
        _ = ccurl_setopt_long(handle, CURLOPT_LOW_SPEED_LIMIT, 1)
        _ = ccurl_setopt_long(handle, CURLOPT_LOW_SPEED_TIME, request.lowSpeedTime)
        _ = ccurl_setopt_string(handle, CURLOPT_USERAGENT, userAgent)
        _ = ccurl_setopt_long(handle, CURLOPT_TCP_NODELAY, 1)
        _ = ccurl_setopt_long(handle, CURLOPT_BUFFERSIZE, 256 * 1024)
        // Fewer, larger reads from the body source and sends (libcurl's default is 64 KiB).
        if hasBody { _ = ccurl_setopt_long(handle, CURLOPT_UPLOAD_BUFFERSIZE, 512 * 1024) }
        if let ca = tls.caBundlePath { _ = ccurl_setopt_string(handle, CURLOPT_CAINFO, ca) }
        if let cert = tls.clientCertificatePath { _ = ccurl_setopt_string(handle, CURLOPT_SSLCERT, cert) }
        if let key = tls.clientKeyPath { _ = ccurl_setopt_string(handle, CURLOPT_SSLKEY, key) }
        _ = ccurl_setopt_pointer(handle, CURLOPT_ERRORBUFFER, transfer.errorBuffer)
        _ = ccurl_setopt_write_function(handle, curlWriteCallback)
        _ = ccurl_setopt_pointer(handle, CURLOPT_WRITEDATA, transfer.opaque)
        _ = ccurl_setopt_header_function(handle, curlHeaderCallback)
        _ = ccurl_setopt_pointer(handle, CURLOPT_HEADERDATA, transfer.opaque)
        transfer.label = "\(request.method.uppercased()) \(redacted(request.url))"
        // Always: the callback also aborts a transfer when the process is asked to stop (SIGTERM, SIGINT) and stops
        // a cancelled one; it reports progress only when asked (``CurlTransfer/reportsProgress``).
        _ = ccurl_setopt_long(handle, CURLOPT_NOPROGRESS, 0)
        _ = ccurl_setopt_xferinfo_function(handle, curlProgressCallback)
        _ = ccurl_setopt_pointer(handle, CURLOPT_XFERINFODATA, transfer.opaque)

        // Bodies in memory are sent straight from that memory (CURLOPT_POSTFIELDS: no copy into curl's buffer).
        var memoryBody: UnsafeRawBufferPointer?
        if hasBody, case .memory(let memory) = transfer.source { memoryBody = memory }
        var headerList: UnsafeMutablePointer<curl_slist>?
        var sawExpect = false
        var sawContentType = false
        for header in request.headers {
            if header.name.lowercased() == "expect" { sawExpect = true }
            if header.name.lowercased() == "content-type" { sawContentType = true }
            let line = header.value.isEmpty ? "\(header.name);" : "\(header.name): \(header.value)"
            headerList = curl_slist_append(headerList, line)
        }
        if !sawExpect { headerList = curl_slist_append(headerList, "Expect:") }
        if memoryBody != nil && !sawContentType { headerList = curl_slist_append(headerList, "Content-Type:") }
        transfer.headerList = headerList
        _ = ccurl_setopt_slist(handle, CURLOPT_HTTPHEADER, headerList)

        let method = request.method.uppercased()
        if let memoryBody {
            let base = memoryBody.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!
            _ = ccurl_setopt_off_t(handle, CURLOPT_POSTFIELDSIZE_LARGE, memoryBody.count)
            _ = ccurl_setopt_pointer(handle, CURLOPT_POSTFIELDS, UnsafeMutableRawPointer(mutating: base))
            _ = ccurl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, method)
        } else if hasBody {
            _ = ccurl_setopt_long(handle, CURLOPT_UPLOAD, 1)
            _ = ccurl_setopt_long(handle, CURLOPT_UPLOAD_BUFFERSIZE, 1024 * 1024)
            if let bodyLength { _ = ccurl_setopt_off_t(handle, CURLOPT_INFILESIZE_LARGE, Int(bodyLength)) }
            _ = ccurl_setopt_read_function(handle, curlReadCallback)
            _ = ccurl_setopt_pointer(handle, CURLOPT_READDATA, transfer.opaque)
            _ = ccurl_setopt_seek_function(handle, curlSeekCallback)
            _ = ccurl_setopt_pointer(handle, CURLOPT_SEEKDATA, transfer.opaque)
            if method != "PUT" { _ = ccurl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, method) }
        } else {
            switch method {
            case "GET": _ = ccurl_setopt_long(handle, CURLOPT_HTTPGET, 1)
            case "HEAD": _ = ccurl_setopt_long(handle, CURLOPT_NOBODY, 1)
            case "PUT", "POST":
                _ = ccurl_setopt_long(handle, CURLOPT_UPLOAD, 1)
                _ = ccurl_setopt_off_t(handle, CURLOPT_INFILESIZE_LARGE, 0)
                _ = ccurl_setopt_read_function(handle, curlReadCallback)
                _ = ccurl_setopt_pointer(handle, CURLOPT_READDATA, transfer.opaque)
                if method != "PUT" { _ = ccurl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, method) }
            default: _ = ccurl_setopt_string(handle, CURLOPT_CUSTOMREQUEST, method)
            }
        }
        return transfer
    }

    /// The response of a finished transfer, or the error it ended with; gives its handle back.
    private func outcome(of driver: inout TransferDriver, _ completion: CurlCompletion, request: HTTPRequest) throws
        -> HTTPResponse
    {
        let failed = driver.error != nil || completion.error != nil || completion.code != 0
        giveBack(driver.transfer, reusable: !failed)
        let label = "\(request.method.uppercased()) \(redacted(request.url))"
        if let error = driver.error { throw HTTPClient.mapped(error, label: label) }
        if completion.code != 0, completion.error == nil, completion.status >= 400 {
            // The server answered with an error while the body was still being sent (e.g. an upload refused by auth
            // before its body is read) and closed the connection: its answer, not the broken send, is the outcome.
            if !driver.responseDelivered {
                try driver.deliverResponse(status: completion.status, headers: completion.headers)
            }
            return HTTPResponse(status: completion.status, headers: completion.headers, body: driver.body)
        }
        try HTTPClient.check(completion, label: label, redactor: redactor)
        if !driver.responseDelivered {
            try driver.deliverResponse(status: completion.responseCode, headers: completion.headers)
        }
        return HTTPResponse(status: completion.responseCode, headers: completion.headers, body: driver.body)
    }

    /// Throws what ended `completion` unsuccessfully: a callback's error, or `http.transport`.
    static func check(_ completion: CurlCompletion, label: String, redactor: Redactor) throws {
        if let error = completion.error { throw mapped(error, label: label) }
        guard completion.code == 0 else {
            let cause = HTTPTransportError(
                curlCode: Int(completion.code), curlMessage: redactor.redact(completion.message))
            throw HTTPError(.transport, "\(label): \(cause.curlMessage)", cause: cause)
        }
    }

    /// A body source's failure as `http.body`; anything else unchanged.
    static func mapped(_ error: any Error, label: String) -> any Error {
        if let bodyError = error as? HTTPBodyError {
            return HTTPError(.body, "\(label): \(bodyError.message)")
        }
        return error
    }

    /// The URL with secrets masked and any presigned query removed.
    func redacted(_ url: String) -> String {
        HTTPClient.redact(url: url, redactor: redactor)
    }

    /// `url` fit for messages: known secrets masked; a query carrying a signature or a token is dropped.
    public static func redact(url: String, redactor: Redactor = Redactor()) -> String {
        var text = url
        if let q = text.firstIndex(of: "?") {
            let query = text[text.index(after: q)...].lowercased()
            if query.contains("x-amz-signature") || query.contains("x-amz-credential") || query.contains("signature=")
                || query.contains("token")
            {
                text = String(text[..<q]) + "?<redacted>"
            }
        }
        return redactor.redact(text)
    }
}
