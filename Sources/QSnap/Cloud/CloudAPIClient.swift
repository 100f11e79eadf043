import Foundation
import HTTP
import Logging
import QSnapCore

/// An async client of the Qdrant Cloud management API's REST gateway (BackupService), authenticated with a
/// management key sent as `Authorization: apikey <key>`.
///
/// Every request runs on the HTTP event loop; cancelling the calling task aborts it. Failures are
/// `QSnapError`s whose `cause` is a ``CloudAPIFailure``; the key never appears in them or in the debug log
/// (method, path, status, duration). Reads are retried with ``retryPolicy`` after 5xx, 429 or a transport failure;
/// nothing that changes state is repeated.
public final class CloudAPIClient: Sendable {
    /// The user agent sent with every request.
    public static let userAgent = "qsnap"
    /// The name of the environment variable holding the management key.
    public static let keyEnvironmentVariable = "QDRANT_CLOUD_API_KEY"

    /// The API's base URL.
    public let endpoint: CloudAPIEndpoint
    /// The account every call is for.
    public let accountID: String
    /// The total time limit of one request, in seconds.
    public let timeout: Double
    /// How reads are retried.
    public let retryPolicy: RetryPolicy

    private let key: String
    private let http: HTTPClient
    private let redactor: Redactor
    private let logger: Logger

    /// Creates a client.
    /// - Parameters:
    ///   - endpoint: the API's base URL.
    ///   - accountID: the account's UUID (validated by the caller).
    ///   - apiKey: the management key (never logged or shown).
    ///   - tls: CA certificates to trust for https (used when `http` is not given).
    ///   - http: the transport.
    ///   - timeout: the total time limit of one request, in seconds.
    ///   - retryPolicy: how reads are retried.
    ///   - logger: receives one debug line per request.
    public init(
        endpoint: CloudAPIEndpoint, accountID: String, apiKey: String, tls: TLSSettings = TLSSettings(),
        http: HTTPClient? = nil, timeout: Double = 60, retryPolicy: RetryPolicy = RetryPolicy(maxAttempts: 4),
        logger: Logger = Logger(label: "qsnap.cloud")
    ) {
        self.endpoint = endpoint
        self.accountID = accountID
        self.key = apiKey
        self.redactor = Redactor(secrets: [apiKey])
        self.http = http ?? HTTPClient(userAgent: Self.userAgent, redactor: Redactor(secrets: [apiKey]), tls: tls)
        self.timeout = timeout
        self.retryPolicy = retryPolicy
        self.logger = logger
    }

    /// Calls `rpc` and returns the answer's body.
    /// - Parameters:
    ///   - id: the backup or schedule the path names, if any.
    ///   - query: query parameters (non-path fields of GET, DELETE and bodiless POST).
    ///   - body: the JSON request body, if the RPC takes one.
    ///   - resourceID: what to name in a "not found" message, e.g. `cluster <id>` (default: the resource and `id`).
    func call(
        _ rpc: CloudRPC, id: String? = nil, query: [(String, String)] = [], body: (any Encodable & Sendable)? = nil,
        resourceID: String? = nil
    ) async throws -> [UInt8] {
        let path = rpc.path(accountID: accountID, id: id)
        var headers = [
            HTTPHeader(name: "Accept", value: "application/json"),
            HTTPHeader(name: "Authorization", value: "apikey \(key)"),
        ]
        var payload = HTTPRequestBody.none
        if let body {
            headers.append(HTTPHeader(name: "Content-Type", value: "application/json"))
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            payload = .bytes(Array(try encoder.encode(body)))
        }
        let request = HTTPRequest(
            method: rpc.httpMethod, url: endpoint.url(path: path, query: query), headers: headers,
            timeout: timeout)
        var attempt = 1
        while true {
            try ProcessStop.check()
            let started = DispatchTime.now().uptimeNanoseconds
            let failure: CloudAPIFailure
            do {
                let response = try await http.execute(request, body: payload)
                log(rpc, path: path, status: response.status, started: started)
                if (200..<300).contains(response.status) { return response.body }
                failure = answerFailure(
                    rpc, response: response, resourceID: resourceID ?? id.map { "\(rpc.resource.rawValue) \($0)" })
            } catch {
                log(rpc, path: path, status: nil, started: started)
                if let stopped = ProcessStop.stoppedError, (error as? QSnapError)?.code == stopped.code {
                    throw stopped
                }
                failure = transportFailure(rpc, error: error)
            }
            guard rpc.isIdempotent, failure.retriable, retryPolicy.shouldRetry(afterAttempt: attempt) else {
                throw failure.error
            }
            let delay = retryPolicy.delay(forAttempt: attempt, throttled: failure.status == 429)
            logger.debug("cloud \(rpc.name): \(failure); retry \(attempt + 1) in \(Int(delay * 1000)) ms")
            if delay > 0 { try await Task.sleep(for: .seconds(delay)) }
            attempt += 1
        }
    }

    /// Calls `rpc` and decodes the answer as `T`.
    func decode<T: Decodable>(
        _ type: T.Type, _ rpc: CloudRPC, id: String? = nil, query: [(String, String)] = [],
        body: (any Encodable & Sendable)? = nil, resourceID: String? = nil
    ) async throws -> T {
        let bytes = try await call(rpc, id: id, query: query, body: body, resourceID: resourceID)
        do {
            return try JSONDecoder().decode(T.self, from: Data(bytes))
        } catch {
            throw QSnapError(
                .cloudResponse,
                "Qdrant Cloud answered \(rpc.name) with something qsnap cannot read (\(redactor.redact("\(error)"))); "
                    + "check --cloud-api-url")
        }
    }

    /// Follows `nextPageToken` until the last page; `pageSize` items per request.
    /// - Throws: `failure("cloud.pagination")` when the API repeats a token or never ends.
    func listAll<Item: Decodable & Sendable>(
        _ type: Item.Type, _ rpc: CloudRPC, query: [(String, String)],
        pageSize: Int, resourceID: String? = nil
    ) async throws -> [Item] {
        var items: [Item] = []
        var token: String?
        var seen: Set<String> = []
        for _ in 0..<100_000 {
            var q = query + [("pageSize", String(pageSize))]
            if let token { q.append(("pageToken", token)) }
            let page = try await decode(CloudListPage<Item>.self, rpc, query: q, resourceID: resourceID)
            items += page.items
            guard let next = page.nextPageToken else { return items }
            guard seen.insert(next).inserted else {
                throw QSnapError(.cloudPagination, "Qdrant Cloud repeated a page token of \(rpc.name)")
            }
            token = next
        }
        throw QSnapError(.cloudPagination, "\(rpc.name) returned more than 100000 pages")
    }

    private func answerFailure(_ rpc: CloudRPC, response: HTTPResponse, resourceID: String?) -> CloudAPIFailure {
        let status = CloudRPCStatus.parse(response.body)
        var message = status?.message ?? String(response.bodyText.prefix(300))
        message = redactor.redact(message.replacingOccurrences(of: "\n", with: " "))
        if message.count > 500 { message = String(message.prefix(500)) + "…" }
        return CloudAPIFailure(
            rpc: rpc, status: response.status, code: status?.rpcCode ?? CloudRPCCode.guess(httpStatus: response.status),
            serverMessage: message, accountID: accountID, resourceID: resourceID,
            retriable: CloudAPIFailure.isRetriable(status: response.status))
    }

    private func transportFailure(_ rpc: CloudRPC, error: any Error) -> CloudAPIFailure {
        let transport = (error as? HTTPError)?.transport
        let text = redactor.redact(transport?.curlMessage ?? QSnapError.message(of: error))
        let host = URLComponents(string: endpoint.base)?.host ?? endpoint.base
        var failure = CloudAPIFailure(
            rpc: rpc, status: nil, code: nil, serverMessage: "cannot reach \(host): \(text)", accountID: accountID,
            resourceID: nil, retriable: transport?.isRetriable ?? false)
        if let transport, transport.isTLSFailure {
            failure.isTLS = true
            failure.retriable = false
            failure.serverMessage =
                "TLS with \(host) failed (\(text)): give the CA that signed its certificate with "
                + "--cloud-ca-bundle FILE"
        }
        return failure
    }

    private func log(_ rpc: CloudRPC, path: String, status: Int?, started: UInt64) {
        let ms = (DispatchTime.now().uptimeNanoseconds - started) / 1_000_000
        logger.debug(
            "cloud \(rpc.httpMethod) \(path) (\(rpc.name)) → \(status.map(String.init) ?? "no response") in \(ms) ms")
    }
}
