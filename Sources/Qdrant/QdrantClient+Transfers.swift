import Foundation
import HTTP
import QSnapCore

extension QdrantClient {
    /// Downloads a stored snapshot (`GET …/snapshots/{name}`), streaming the bytes to `onBody`.
    ///
    /// Sends `Accept-Encoding: identity` so the bytes are the file's. Error bodies (plain text on these endpoints)
    /// never reach `onBody`; they become the thrown error. Retried after retriable failures only while nothing
    /// has been passed to the callbacks.
    /// - Parameters:
    ///   - onResponse: called once with the status and headers of a successful response, before any body byte.
    ///   - onBody: receives the file in chunks; an error it throws aborts the transfer and is rethrown unchanged.
    /// - Returns: the status and the announced length (`nil` when chunked).
    /// - Throws: `refused("qdrant.snapshot-name")` before sending anything when `name` is not a bare file name;
    ///   `verificationFailed("qdrant.download-length")` when fewer or more bytes arrive than announced.
    @discardableResult
    public func downloadSnapshot(
        _ scope: SnapshotScope, name: String, onResponse: ((Int, [HTTPHeader]) throws -> Void)? = nil,
        onBody: ([UInt8]) async throws -> Void
    ) async throws -> (status: Int, contentLength: Int64?) {
        try SnapshotName.validate(name)
        return try await stream(
            Call(
                method: "GET", segments: scope.listingSegments + [name], deadline: .transfer(stallSeconds: 120),
                idempotent: true),
            onResponse: onResponse, onBody: onBody)
    }

    /// Streams a fresh snapshot of one local shard (`GET /collections/{c}/shards/{id}/snapshot`): the server
    /// builds it on the fly and stores nothing. A failure on the server mid-stream shows up only as a truncated
    /// tar: validate the archive. The suggested file name is in the `Content-Disposition` header
    /// (``attachmentFileName(_:)``). Never retried: the server needs write access and does real work.
    @discardableResult
    public func streamShardSnapshot(
        collection: String, shard: Int, onResponse: ((Int, [HTTPHeader]) throws -> Void)? = nil,
        onBody: ([UInt8]) async throws -> Void
    ) async throws -> (status: Int, contentLength: Int64?) {
        try await stream(
            Call(
                method: "GET", segments: ["collections", collection, "shards", String(shard), "snapshot"],
                deadline: .transfer(stallSeconds: 300), idempotent: false),
            onResponse: onResponse, onBody: onBody)
    }

    /// Uploads a snapshot and recovers from it (`POST …/snapshots/upload`), as `multipart/form-data` field
    /// `snapshot` framed around the streamed body — no temporary file on this side.
    ///
    /// The server keeps the uploaded file in its snapshots directory under the base of `fileName`; delete it
    /// afterwards if disk matters.
    /// - Parameters:
    ///   - fileName: the file name sent in the form (a bare name).
    ///   - length: the body length when known (`Content-Length`); `nil` sends it chunked.
    ///   - checksum: SHA-256 the server verifies before recovering.
    ///   - next: the next snapshot bytes, `nil` at the end; pulled while the connection has room for them. What it
    ///     throws aborts the upload and is rethrown unchanged.
    /// - Returns: `true` when the recovery finished, `false` when accepted to run in the background.
    @discardableResult
    public func uploadSnapshot(
        _ scope: SnapshotScope, fileName: String, length: Int64?, checksum: String? = nil,
        priority: SnapshotPriority? = nil, wait: Bool = true,
        next: @escaping @Sendable () async throws -> [UInt8]?
    ) async throws -> Bool {
        try Self.requireRecoverable(scope)
        try Self.validateChecksum(checksum)
        let framing = try MultipartUpload(fileName: fileName)
        var query = [Self.waitQuery(wait)]
        if let priority { query.append(("priority", priority.rawValue)) }
        if let checksum { query.append(("checksum", checksum)) }
        let call = Call(
            method: "POST", segments: scope.listingSegments + ["upload"], query: query,
            deadline: .serverWork, idempotent: false)
        let endpoint = try self.endpoint.get()
        var headers = baseHeaders()
        headers.append(HTTPHeader(name: "Content-Type", value: framing.contentType))
        let request = makeRequest(call, endpoint: endpoint, headers: headers)
        let producer = MultipartBodyProducer(framing: framing, length: length, next: next)
        let started = DispatchTime.now().uptimeNanoseconds
        let status: Int
        let responseHeaders: [HTTPHeader]
        let body: [UInt8]
        do {
            let response = try await http.stream(
                request,
                body: .producer(length: framing.totalLength(bodyLength: length)) { try await producer.next() })
            status = response.status
            responseHeaders = response.headers
            body = try await response.body.collect()
        } catch {
            log(call, status: nil, started: started)
            // Errors of the source (or a length mismatch) are rethrown unchanged, not as transport errors.
            if let original = producer.failure { throw original }
            if error is CancellationError { throw error }
            throw transportFailure(error, call: call).error
        }
        log(call, status: status, started: started)
        if case .accepted = try QdrantEnvelope.decode(
            JSONValue.self, status: status, headers: responseHeaders.map { ($0.name, $0.value) },
            body: body, method: call.method, path: call.path, redactor: redactor)
        {
            return false
        }
        return true
    }

    /// The file name in a `Content-Disposition: attachment; filename="…"` header, when it is a bare file name.
    public static func attachmentFileName(_ headers: [HTTPHeader]) -> String? {
        guard let value = headers.first(where: { $0.name.lowercased() == "content-disposition" })?.value,
            let range = value.range(of: "filename=")
        else { return nil }
        var rest = value[range.upperBound...]
        let name: Substring
        if rest.first == "\"" {
            rest = rest.dropFirst()
            name = rest.prefix { $0 != "\"" }
        } else {
            name = rest.prefix { $0 != ";" && $0 != " " }
        }
        let text = String(name)
        return SnapshotName.isBareFileName(text) ? text : nil
    }

    // MARK: - Streaming GET

    private static let maxErrorBody = 64 * 1024

    /// Sends `call` and streams a successful response's body to `onBody`, in this task (the transfer waits while
    /// `onBody` works: back-pressure). Retried after retriable failures only while nothing reached the callbacks.
    func stream(
        _ call: Call, onResponse: ((Int, [HTTPHeader]) throws -> Void)?,
        onBody: ([UInt8]) async throws -> Void
    ) async throws -> (status: Int, contentLength: Int64?) {
        let endpoint = try self.endpoint.get()
        var headers = baseHeaders().filter { $0.name != "Accept" }
        headers.append(HTTPHeader(name: "Accept-Encoding", value: "identity"))
        let request = makeRequest(call, endpoint: endpoint, headers: headers)
        var attempt = 1
        while true {
            let started = DispatchTime.now().uptimeNanoseconds
            var status: Int?
            var touched = false
            var delivered: Int64 = 0
            var contentLength: Int64?
            var errorBody: [UInt8] = []
            var responseHeaders: [HTTPHeader] = []
            do {
                let response = try await http.stream(request)
                status = response.status
                responseHeaders = response.headers
                if (200..<300).contains(response.status) {
                    do {
                        try Self.checkIdentityEncoding(response.headers, call: call)
                        contentLength = response.header("Content-Length")
                            .flatMap { Int64($0.trimmingCharacters(in: .whitespaces)) }
                        touched = true
                        try onResponse?(response.status, response.headers)
                    } catch {
                        throw CallbackError(error: error)
                    }
                    for try await chunk in response.body {
                        delivered += Int64(chunk.count)
                        do { try await onBody(chunk) } catch { throw CallbackError(error: error) }
                    }
                } else {
                    for try await chunk in response.body where errorBody.count < Self.maxErrorBody {
                        errorBody += chunk.prefix(Self.maxErrorBody - errorBody.count)
                    }
                }
            } catch let failure as CallbackError {
                log(call, status: status, started: started)
                throw failure.error
            } catch {
                log(call, status: status, started: started)
                if error is CancellationError { throw error }
                try Self.throwIfStopped(error)
                let failure = transportFailure(error, call: call)
                guard call.idempotent, !touched, retryPolicy.shouldRetry(afterAttempt: attempt) else {
                    throw failure.error
                }
                try await pause(
                    afterAttempt: attempt, throttled: false, retryAfter: nil, call: call,
                    reason: failure.serverMessage)
                attempt += 1
                continue
            }
            let code = status ?? 0
            log(call, status: code, started: started)
            guard (200..<300).contains(code) else {
                let failure = QdrantEnvelope.failure(
                    status: code, headers: responseHeaders.map { ($0.name, $0.value) }, body: errorBody,
                    method: call.method, path: call.path, redactor: redactor)
                if call.idempotent, failure.retriable, retryPolicy.shouldRetry(afterAttempt: attempt) {
                    try await pause(
                        afterAttempt: attempt, throttled: code == 429 || code == 503,
                        retryAfter: failure.retryAfter, call: call, reason: "HTTP \(code)")
                    attempt += 1
                    continue
                }
                throw failure.error
            }
            if let expected = contentLength, expected != delivered {
                throw QdrantError(
                    .downloadLength,
                    "Qdrant \(call.method) \(call.path) announced \(expected) bytes but delivered \(delivered). "
                        + "The download is incomplete; retry it.")
            }
            return (code, contentLength)
        }
    }

    /// What the caller's callbacks threw, rethrown unchanged (never retried, never a transport failure).
    private struct CallbackError: Error {
        var error: any Error
    }

    static func checkIdentityEncoding(_ headers: [HTTPHeader], call: Call) throws {
        guard
            let encoding = headers.first(where: { $0.name.lowercased() == "content-encoding" })?.value
                .trimmingCharacters(in: .whitespaces).lowercased(), !encoding.isEmpty, encoding != "identity"
        else { return }
        throw QdrantError(
            .downloadEncoding,
            "Qdrant \(call.method) \(call.path) answered with Content-Encoding \"\(encoding)\" although qsnap asked "
                + "for the raw bytes (Accept-Encoding: identity). A proxy in between may be compressing responses; "
                + "disable that for snapshot downloads.")
    }
}
