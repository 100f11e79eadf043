import Foundation
import HTTP
import Logging
import QSnapCore

/// An async client for Qdrant's REST API (1.17–1.19): collections, points, cluster, aliases, telemetry, quotas
/// and snapshots.
///
/// Every request runs on the HTTP event loop; cancelling the calling task aborts it. Failures are ``QdrantError``s
/// whose `cause` is a ``QdrantFailure`` (status, method, path, server message); the API key never appears in them.
///
/// Idempotent reads (GETs and the read-only point queries) are retried with ``retryPolicy`` after a 5xx, 408 or
/// 429 answer or a transport failure; nothing that changes state is ever retried.
public final class QdrantClient: Sendable {
    /// The user agent sent with every request.
    public static let userAgent = "qsnap"

    /// The normalised base URL (no trailing slash), as given.
    public let baseURL: String
    /// The total time limit of an ordinary request, in seconds. Long-running operations have none: snapshot
    /// creation or recovery with `wait` and uploads wait as long as the server works; downloads are aborted only
    /// when no byte arrives for 2 minutes (5 for streamed shard snapshots).
    public let timeout: Double
    /// How idempotent reads are retried.
    public let retryPolicy: RetryPolicy

    let endpoint: Result<QdrantEndpoint, QdrantError>
    /// The credential sent with every request (never logged).
    public let credential: QdrantCredential?
    let http: HTTPClient
    let redactor: Redactor
    let logger: Logger

    /// Creates a client.
    /// - Parameters:
    ///   - baseURL: the server's REST URL, e.g. `http://localhost:6333` (a trailing slash is ignored; a path prefix
    ///     of a reverse proxy is kept). A malformed URL makes every call throw `usage("qdrant.url")`.
    ///   - credential: an api key (sent as `api-key`) or a JWT (sent as `Authorization: Bearer`).
    ///   - tls: CA certificates to trust and a client certificate for mutual TLS (used when `http` is not given).
    ///   - http: the transport.
    ///   - timeout: the total time limit of an ordinary request, in seconds.
    ///   - retryPolicy: how idempotent reads are retried.
    ///   - logger: receives one debug line per request (method, path, status, duration; never the key).
    public init(
        baseURL: String, credential: QdrantCredential?, tls: TLSSettings = TLSSettings(), http: HTTPClient? = nil,
        timeout: Double = 300, retryPolicy: RetryPolicy = RetryPolicy(maxAttempts: 4),
        logger: Logger = Logger(label: "qsnap.qdrant")
    ) {
        let endpoint = Result { try QdrantEndpoint(baseURL: baseURL) }.mapError { $0 as! QdrantError }
        self.endpoint = endpoint
        self.baseURL = (try? endpoint.get().base) ?? baseURL
        self.credential = credential
        self.http = http ?? HTTPClient(userAgent: QdrantClient.userAgent, tls: tls)
        self.timeout = timeout
        self.retryPolicy = retryPolicy
        self.redactor = Redactor(secrets: credential.map { [$0.secret] } ?? [])
        self.logger = logger
    }

    /// Creates a client with a static key or a JWT given as text (`nil` or empty: none).
    public convenience init(
        baseURL: String, apiKey: String? = nil, http: HTTPClient = HTTPClient(userAgent: QdrantClient.userAgent),
        timeout: Double = 300, retryPolicy: RetryPolicy = RetryPolicy(maxAttempts: 4),
        logger: Logger = Logger(label: "qsnap.qdrant")
    ) {
        self.init(
            baseURL: baseURL, credential: (try? QdrantCredential(secret: apiKey, origin: "the api key")) ?? nil,
            http: http, timeout: timeout, retryPolicy: retryPolicy, logger: logger)
    }

    /// The key as text, for recoveries that pass it on to a node (`api_key` of a recover request).
    public var apiKey: String? { credential?.secret }

    // MARK: - Request machinery

    /// How long a request may take.
    enum Deadline {
        /// ``QdrantClient/timeout`` in total.
        case standard
        /// A body transfer: no total limit; aborted when no byte moves for `stallSeconds`.
        case transfer(stallSeconds: Int)
        /// Long server work before the answer (snapshot creation or recovery with `wait`): no total limit and no
        /// stall limit short of a day, since the server sends nothing until it is done.
        case serverWork
    }

    /// One request to send.
    struct Call {
        var method: String
        var segments: [String]
        var query: [(String, String)] = []
        var json: JSONValue? = nil
        var deadline: Deadline = .standard
        /// Safe to repeat (reads): retried after retriable failures.
        var idempotent: Bool
        /// Extra secrets to mask in error messages (e.g. a recovery `api_key`).
        var secrets: [String] = []

        var path: String { QdrantEndpoint.path(segments) }
    }

    /// Sends `call` (with retries when idempotent) and returns the response whatever its status.
    func send(_ call: Call) async throws -> HTTPResponse {
        let endpoint = try self.endpoint.get()
        var headers = baseHeaders()
        var body = HTTPRequestBody.none
        if let json = call.json {
            headers.append(HTTPHeader(name: "Content-Type", value: "application/json"))
            body = .bytes(try Self.encode(json))
        }
        let request = makeRequest(call, endpoint: endpoint, headers: headers)
        var attempt = 1
        while true {
            let started = DispatchTime.now().uptimeNanoseconds
            do {
                let response = try await http.execute(request, body: body)
                log(call, status: response.status, started: started)
                if call.idempotent, QdrantFailure.isRetriable(status: response.status),
                    retryPolicy.shouldRetry(afterAttempt: attempt)
                {
                    let retryAfter = response.header("Retry-After").flatMap(Double.init)
                    try await pause(
                        afterAttempt: attempt, throttled: response.status == 429 || response.status == 503,
                        retryAfter: retryAfter, call: call, reason: "HTTP \(response.status)")
                    attempt += 1
                    continue
                }
                return response
            } catch {
                log(call, status: nil, started: started)
                try Self.throwIfStopped(error)
                let failure = transportFailure(error, call: call)
                guard call.idempotent, failure.retriable, retryPolicy.shouldRetry(afterAttempt: attempt) else {
                    throw failure.error
                }
                try await pause(
                    afterAttempt: attempt, throttled: false, retryAfter: nil, call: call,
                    reason: failure.serverMessage)
                attempt += 1
            }
        }
    }

    /// Sends `call` and decodes the envelope's `result` (which must be present).
    func result<T: Decodable>(_ type: T.Type, _ call: Call) async throws -> T {
        let response = try await send(call)
        return try QdrantEnvelope.require(
            type, status: response.status, headers: response.headers.map { ($0.name, $0.value) },
            body: response.body, method: call.method, path: call.path, redactor: redactor(call))
    }

    /// Sends `call` and decodes the envelope: a result (possibly `nil`) or 202 accepted.
    func outcome<T: Decodable>(_ type: T.Type, _ call: Call) async throws -> QdrantEnvelope.Outcome<T> {
        let response = try await send(call)
        return try QdrantEnvelope.decode(
            type, status: response.status, headers: response.headers.map { ($0.name, $0.value) },
            body: response.body, method: call.method, path: call.path, redactor: redactor(call))
    }

    /// The transport request for `call`, with the time limits of its ``Deadline``.
    func makeRequest(_ call: Call, endpoint: QdrantEndpoint, headers: [HTTPHeader]) -> HTTPRequest {
        var request = HTTPRequest(
            method: call.method, url: endpoint.url(path: call.path, query: call.query),
            headers: headers, timeout: nil)
        switch call.deadline {
        case .standard:
            request.timeout = timeout
            // A server computing an answer sends nothing meanwhile: let the total limit decide.
            request.lowSpeedTime = max(request.lowSpeedTime, Int(timeout.rounded(.up)))
        case .transfer(let stall):
            request.lowSpeedTime = stall
        case .serverWork:
            request.lowSpeedTime = 86_400
        }
        return request
    }

    func baseHeaders() -> [HTTPHeader] {
        var headers = [HTTPHeader(name: "Accept", value: "application/json")]
        if let credential { headers.append(HTTPHeader(name: credential.header.name, value: credential.header.value)) }
        return headers
    }

    func redactor(_ call: Call) -> Redactor {
        var r = redactor
        for s in call.secrets { r.add(s) }
        return r
    }

    /// The failure for an error thrown by the transport (no response).
    func transportFailure(_ error: any Error, call: Call) -> QdrantFailure {
        let text: String
        if let q = error as? HTTPError {
            text = (q.cause as? HTTPTransportError)?.curlMessage ?? q.message
            if let transport = q.cause as? HTTPTransportError, transport.isTLSFailure {
                let host = (try? endpoint.get().displayBase) ?? "the server"
                var failure = QdrantFailure(
                    status: nil, method: call.method, path: call.path,
                    serverMessage: redactor(call).redact(
                        "TLS with \(host) failed (\(text)): give the CA that signed its certificate with --qdrant-ca-bundle "
                            + "FILE (and, for mutual TLS, --qdrant-client-cert and --qdrant-client-key)"),
                    retriable: false)
                failure.isTLS = true
                return failure
            }
        } else {
            text = "\(error)"
        }
        var hint = ""
        // A server that requires a client certificate rejects it after the TLS 1.3 handshake: depending on timing the
        // client reads the alert (a TLS failure above) or finds the connection closed under its request (55/56).
        if let transport = (error as? HTTPError)?.transport, [55, 56].contains(transport.curlCode),
            baseURL.lowercased().hasPrefix("https://"), !http.presentsClientCertificate
        {
            hint =
                " (a server that requires client certificates — mutual TLS — closes the connection like this: "
                + "pass --qdrant-client-cert and --qdrant-client-key)"
        }
        return QdrantFailure(
            status: nil, method: call.method, path: call.path,
            serverMessage: redactor(call).redact(
                "cannot reach \((try? endpoint.get().displayBase) ?? "server"): \(text)\(hint)"),
            retriable: true)
    }

    /// Throws the process's stop when `error` is it (SIGTERM/SIGINT): not a network failure, and never retried — a
    /// request made after the stop would not be aborted.
    static func throwIfStopped(_ error: any Error) throws {
        if let stopped = ProcessStop.stoppedError, (error as? QSnapError)?.code == stopped.code { throw stopped }
    }

    func pause(afterAttempt attempt: Int, throttled: Bool, retryAfter: Double?, call: Call, reason: String) async throws
    {
        var delay = retryPolicy.delay(forAttempt: attempt, throttled: throttled)
        if let retryAfter, retryAfter > delay { delay = min(retryAfter, retryPolicy.maxDelay) }
        logger.debug("qdrant \(call.method) \(call.path): \(reason); retry \(attempt + 1) in \(Int(delay * 1000)) ms")
        if delay > 0 { try await Task.sleep(for: .seconds(delay)) }
    }

    func log(_ call: Call, status: Int?, started: UInt64) {
        let ms = (DispatchTime.now().uptimeNanoseconds - started) / 1_000_000
        logger.debug("qdrant \(call.method) \(call.path) → \(status.map(String.init) ?? "no response") in \(ms) ms")
    }

    static func encode(_ json: JSONValue) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return Array(try encoder.encode(json))
    }

    /// The `wait` query parameter.
    static func waitQuery(_ wait: Bool) -> (String, String) { ("wait", wait ? "true" : "false") }
}
