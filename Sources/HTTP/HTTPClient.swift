import Foundation
import QSnapCore
import Synchronization
internal import CCurl

/// A blocking HTTP/1.1 client over the libcurl easy interface.
///
/// Thread-safe: each ``perform(_:body:onResponse:onBody:onProgress:)`` borrows an easy handle from a small pool
/// (so connections are reused) and runs the transfer on the calling thread. Call it from a dedicated thread
/// (see ``Blocking``), never from Swift's cooperative pool.
public final class HTTPClient: Sendable {
    private struct Handle: @unchecked Sendable { let pointer: UnsafeMutableRawPointer }

    private static let globalInit: Int32 = {
        // libcurl initialises OpenSSL, which would then register its `atexit` clean-up: initialise it first without.
        OpenSSLRuntime.initialize()
        return curl_global_init(Int(CURL_GLOBAL_DEFAULT)).rawValue == 0 ? 0 : 1
    }()

    private let userAgent: String
    private let redactor: Redactor
    private let pool = Mutex<[Handle]>([])
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

    /// Pools `handle` for reuse (its connection stays open) or cleans it up. A pooled handle is reset first: it keeps
    /// no pointer to the finished transfer (error buffer, callback data, header list, body memory), which are freed
    /// once ``perform(_:body:onResponse:onBody:onProgress:)`` returns.
    private func giveBack(_ handle: UnsafeMutableRawPointer, reusable: Bool) {
        if reusable { curl_easy_reset(handle) }
        let kept = reusable && pool.withLock { handles -> Bool in
            guard handles.count < maxPooled else { return false }
            handles.append(Handle(pointer: handle))
            return true
        }
        if !kept { curl_easy_cleanup(handle) }
    }

    /// Performs one request, blocking until the response is complete.
    ///
    /// - Parameters:
    ///   - request: method, URL (sent as is), headers and timeouts.
    ///   - body: the request body.
    ///   - onResponse: called once with the final status and headers, before any body byte.
    ///   - onBody: receives the body in chunks; when given, the returned ``HTTPResponse/body`` stays empty.
    ///   - onProgress: bytes sent and received so far.
    /// - Returns: the response (any status: HTTP errors are not thrown).
    /// - Throws: what a callback or the body source threw, `failure("cancelled")` once the request's
    ///   ``HTTPRequest/cancellation`` is raised, or a ``QSnapCore/QSnapError`` `http.transport` whose cause is an
    ///   ``HTTPTransportError``.
    public func perform(
        _ request: HTTPRequest, body: HTTPRequestBody = .none,
        onResponse: ((Int, [HTTPHeader]) throws -> Void)? = nil,
        onBody: ((UnsafeRawBufferPointer) throws -> Void)? = nil,
        onProgress: ((_ sent: Int64, _ received: Int64) -> Void)? = nil
    ) throws -> HTTPResponse {
        let transfer = CurlTransfer()
        transfer.onResponse = onResponse
        transfer.onBody = onBody
        transfer.onProgress = onProgress
        var fileDescriptor: Int32 = -1
        defer { if fileDescriptor >= 0 { close(fileDescriptor) } }

        switch body {
        case .none: transfer.source = .none
        case .bytes: break  // bound below, for the duration of the call
        case .buffer(let memory): transfer.source = .memory(memory)
        case .file(let path, let offset, let length):
            fileDescriptor = open(path, O_RDONLY | O_CLOEXEC)
            guard fileDescriptor >= 0 else {
                throw QSnapError(
                    .failure("http.body"),
                    "cannot open \(path) to send it: \(String(cString: strerror(errno)))")
            }
            transfer.source = .file(fd: fileDescriptor, offset: offset, length: length)
        case .stream(_, let read): transfer.source = .stream(read)
        }

        if case .bytes(let bytes) = body {
            return try bytes.withUnsafeBytes { memory in
                transfer.source = .memory(memory)
                return try run(request, bodyLength: body.length, hasBody: true, transfer: transfer)
            }
        }
        let hasBody: Bool
        if case .none = body { hasBody = false } else { hasBody = true }
        return try run(request, bodyLength: body.length, hasBody: hasBody, transfer: transfer)
    }

    private func run(_ request: HTTPRequest, bodyLength: Int64?, hasBody: Bool, transfer: CurlTransfer) throws
        -> HTTPResponse
    {
        if let cancellation = request.cancellation, cancellation.isCancelled {
            throw CancellationFlag.cancelledError("\(request.method.uppercased()) \(redacted(request.url))")
        }
        let handle = borrow()
        var headerList: UnsafeMutablePointer<curl_slist>?
        var reusable = true
        defer {
            giveBack(handle, reusable: reusable)
            curl_slist_free_all(headerList)
        }

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
        if let cancellation = request.cancellation {
            transfer.cancellation = cancellation
            transfer.label = "\(request.method.uppercased()) \(redacted(request.url))"
        }
        // Always: the callback also aborts a transfer when the process is asked to stop (SIGTERM, SIGINT).
        if transfer.onProgress != nil || transfer.cancellation != nil || transfer.abortOnStop {
            _ = ccurl_setopt_long(handle, CURLOPT_NOPROGRESS, 0)
            _ = ccurl_setopt_xferinfo_function(handle, curlProgressCallback)
            _ = ccurl_setopt_pointer(handle, CURLOPT_XFERINFODATA, transfer.opaque)
        }

        // Bodies in memory are sent straight from that memory (CURLOPT_POSTFIELDS: no copy into curl's buffer).
        var memoryBody: UnsafeRawBufferPointer?
        if hasBody, case .memory(let memory) = transfer.source { memoryBody = memory }
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

        let code = withExtendedLifetime(transfer) { curl_easy_perform(handle) }
        if let error = transfer.callbackError {
            reusable = false
            if let bodyError = error as? HTTPBodyError {
                throw QSnapError(.failure("http.body"), "\(method) \(redacted(request.url)): \(bodyError.message)")
            }
            throw error
        }
        if code != CURLE_OK, transfer.status >= 400 {
            // The server answered with an error while the body was still being sent (e.g. an upload refused by auth
            // before its body is read) and closed the connection: its answer, not the broken send, is the outcome.
            reusable = false
            if !transfer.responseDelivered { try transfer.deliverResponse() }
            return HTTPResponse(status: transfer.status, headers: transfer.headers, body: transfer.body)
        }
        guard code == CURLE_OK else {
            reusable = false
            let detail = String(cString: transfer.errorBuffer)
            let message = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
            let cause = HTTPTransportError(curlCode: Int(code.rawValue), curlMessage: redactor.redact(message))
            throw QSnapError(
                .failure("http.transport"), "\(method) \(redacted(request.url)): \(cause.curlMessage)", cause: cause)
        }
        var status = 0
        _ = ccurl_getinfo_long(handle, CURLINFO_RESPONSE_CODE, &status)
        transfer.status = status
        if !transfer.responseDelivered { try transfer.deliverResponse() }
        return HTTPResponse(status: status, headers: transfer.headers, body: transfer.body)
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
