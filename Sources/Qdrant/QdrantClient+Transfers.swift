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
        onBody: @escaping (UnsafeRawBufferPointer) throws -> Void
    ) throws -> (status: Int, contentLength: Int64?) {
        try SnapshotName.validate(name)
        return try stream(
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
        onBody: @escaping (UnsafeRawBufferPointer) throws -> Void
    ) throws -> (status: Int, contentLength: Int64?) {
        try stream(
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
    ///   - read: fills the buffer with the next snapshot bytes, returns 0 at the end; errors are rethrown unchanged.
    /// - Returns: `true` when the recovery finished, `false` when accepted to run in the background.
    @discardableResult
    public func uploadSnapshot(
        _ scope: SnapshotScope, fileName: String, length: Int64?, checksum: String? = nil,
        priority: SnapshotPriority? = nil, wait: Bool = true,
        read: @escaping (UnsafeMutableRawBufferPointer) throws -> Int
    ) throws -> Bool {
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
        let sourceError = ErrorBox()
        let reader = MultipartBodyReader(framing: framing, length: length, read: read)
        let started = DispatchTime.now().uptimeNanoseconds
        let response: HTTPResponse
        do {
            response = try http.perform(
                request,
                body: .stream(length: framing.totalLength(bodyLength: length)) { buffer in
                    // Errors of the source (or a length mismatch) are rethrown unchanged, not as transport errors.
                    do { return try reader.read(into: buffer) } catch {
                        sourceError.error = error
                        throw error
                    }
                })
        } catch {
            log(call, status: nil, started: started)
            if let original = sourceError.error { throw original }
            throw transportFailure(error, call: call).error
        }
        log(call, status: response.status, started: started)
        if case .accepted = try QdrantEnvelope.decode(
            JSONValue.self, status: response.status, headers: response.headers.map { ($0.name, $0.value) },
            body: response.body, method: call.method, path: call.path, redactor: redactor)
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

    /// Per-attempt state of a streamed download.
    private final class StreamState {
        var status: Int?
        var contentLength: Int64?
        var delivered: Int64 = 0
        var errorBody: [UInt8] = []
        /// Something reached the caller's callbacks: the attempt can no longer be repeated.
        var touched = false
        /// An error thrown by the caller's callbacks or by a check inside them, rethrown unchanged.
        var callbackError: (any Error)?
    }

    final class ErrorBox: @unchecked Sendable {
        var error: (any Error)?
    }

    private static let maxErrorBody = 64 * 1024

    func stream(
        _ call: Call, onResponse: ((Int, [HTTPHeader]) throws -> Void)?,
        onBody: @escaping (UnsafeRawBufferPointer) throws -> Void
    ) throws -> (status: Int, contentLength: Int64?) {
        let endpoint = try self.endpoint.get()
        var headers = baseHeaders().filter { $0.name != "Accept" }
        headers.append(HTTPHeader(name: "Accept-Encoding", value: "identity"))
        let request = makeRequest(call, endpoint: endpoint, headers: headers)
        var attempt = 1
        while true {
            let state = StreamState()
            let started = DispatchTime.now().uptimeNanoseconds
            let response: HTTPResponse
            do {
                response = try http.perform(
                    request,
                    onResponse: { status, headers in
                        state.status = status
                        guard (200..<300).contains(status) else { return }
                        do {
                            try Self.checkIdentityEncoding(headers, call: call)
                            state.contentLength = headers.first { $0.name.lowercased() == "content-length" }
                                .flatMap { Int64($0.value.trimmingCharacters(in: .whitespaces)) }
                            state.touched = true
                            try onResponse?(status, headers)
                        } catch {
                            state.callbackError = error
                            throw error
                        }
                    },
                    onBody: { chunk in
                        guard let status = state.status, (200..<300).contains(status) else {
                            let room = Self.maxErrorBody - state.errorBody.count
                            if room > 0 { state.errorBody.append(contentsOf: chunk.prefix(room)) }
                            return
                        }
                        state.touched = true
                        state.delivered += Int64(chunk.count)
                        do { try onBody(chunk) } catch {
                            state.callbackError = error
                            throw error
                        }
                    })
            } catch {
                log(call, status: state.status, started: started)
                if let original = state.callbackError { throw original }
                let failure = transportFailure(error, call: call)
                guard call.idempotent, !state.touched, retryPolicy.shouldRetry(afterAttempt: attempt) else {
                    throw failure.error
                }
                pause(
                    afterAttempt: attempt, throttled: false, retryAfter: nil, call: call,
                    reason: failure.serverMessage)
                attempt += 1
                continue
            }
            log(call, status: response.status, started: started)
            guard (200..<300).contains(response.status) else {
                let body = state.errorBody.isEmpty ? response.body : state.errorBody
                let failure = QdrantEnvelope.failure(
                    status: response.status, headers: response.headers.map { ($0.name, $0.value) }, body: body,
                    method: call.method, path: call.path, redactor: redactor)
                if call.idempotent, failure.retriable, !state.touched, retryPolicy.shouldRetry(afterAttempt: attempt) {
                    pause(
                        afterAttempt: attempt, throttled: response.status == 429 || response.status == 503,
                        retryAfter: failure.retryAfter, call: call, reason: "HTTP \(response.status)")
                    attempt += 1
                    continue
                }
                throw failure.error
            }
            if let expected = state.contentLength, expected != state.delivered {
                throw QSnapError(
                    .verificationFailed("qdrant.download-length"),
                    "Qdrant \(call.method) \(call.path) announced \(expected) bytes but delivered \(state.delivered). "
                        + "The download is incomplete; retry it.")
            }
            return (response.status, state.contentLength)
        }
    }

    static func checkIdentityEncoding(_ headers: [HTTPHeader], call: Call) throws {
        guard
            let encoding = headers.first(where: { $0.name.lowercased() == "content-encoding" })?.value
                .trimmingCharacters(in: .whitespaces).lowercased(), !encoding.isEmpty, encoding != "identity"
        else { return }
        throw QSnapError(
            .failure("qdrant.download-encoding"),
            "Qdrant \(call.method) \(call.path) answered with Content-Encoding \"\(encoding)\" although qsnap asked "
                + "for the raw bytes (Accept-Encoding: identity). A proxy in between may be compressing responses; "
                + "disable that for snapshot downloads.")
    }
}
