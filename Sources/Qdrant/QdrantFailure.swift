import QSnapCore

/// The details of a failed Qdrant request, attached as the `cause` of the ``QdrantError`` the client throws.
///
/// Holds no secrets: the path carries no query string and the server message has been redacted.
public struct QdrantFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// The HTTP status, `nil` when no response arrived (connection or timeout failure).
    public var status: Int?
    /// The request method.
    public var method: String
    /// The request path without the query string.
    public var path: String
    /// The server's message (envelope `status.error` or plain-text body), redacted and shortened.
    public var serverMessage: String
    /// True for a TLS failure (the message names the setting to change).
    public var isTLS: Bool = false
    /// True when repeating the request may succeed (5xx, 408, 429, transport failures).
    public var retriable: Bool
    /// The server's `Retry-After` in seconds, when sent.
    public var retryAfter: Double?

    /// Creates a value.
    public init(
        status: Int?, method: String, path: String, serverMessage: String, retriable: Bool,
        retryAfter: Double? = nil
    ) {
        self.status = status
        self.method = method
        self.path = path
        self.serverMessage = serverMessage
        self.retriable = retriable
        self.retryAfter = retryAfter
    }

    public var description: String {
        let what = status.map { "HTTP \($0)" } ?? "no response"
        return "\(method) \(path): \(what)\(serverMessage.isEmpty ? "" : ": \(serverMessage)")"
    }

    /// Whether a status is worth retrying.
    static func isRetriable(status: Int) -> Bool { status >= 500 || status == 408 || status == 429 }

    /// The ``QdrantError`` for this failure: code by status, a message naming the request, the server's words and
    /// what to do.
    public var error: QdrantError {
        let request = "Qdrant \(method) \(path)"
        let said = serverMessage.isEmpty ? "" : ": \(serverMessage)"
        if isTLS {
            return QdrantError(.tls, "\(request) failed: \(serverMessage)", cause: self)
        }
        guard let status else {
            return QdrantError(
                .server,
                "\(request) failed\(said). Check that the server is running and reachable, then retry.", cause: self)
        }
        switch status {
        case 401:
            return QdrantError(
                .auth,
                "\(request) was refused (HTTP 401\(said)). Pass the server's API key or JWT with --api-key, the "
                    + "QDRANT_API_KEY environment variable, or the variable named by --source-api-key-env / "
                    + "--target-api-key-env.", cause: self)
        case 403 where serverMessage.contains("ExpiredSignature"):
            return QdrantError(
                .jwtExpired,
                "\(request) was refused (HTTP 403\(said)): the JWT has expired: issue a new token and pass it again.",
                cause: self)
        case 403 where serverMessage.contains("InvalidSignature"):
            return QdrantError(
                .jwtSignature,
                "\(request) was refused (HTTP 403\(said)): the JWT was not signed with this server's api key. "
                    + "Sign it with the cluster's key.", cause: self)
        case 403:
            return QdrantError(
                .auth,
                "\(request) was forbidden (HTTP 403\(said)). The API key given with --api-key or QDRANT_API_KEY "
                    + "lacks the access this operation needs (a read-only key cannot create, delete or recover), "
                    + "or the server's configuration forbids it.", cause: self)
        case 404:
            return QdrantError(
                .notFound,
                "\(request) found nothing (HTTP 404\(said)). Check the collection, shard or snapshot name.",
                cause: self)
        case 409:
            return QdrantError(
                .conflict,
                "\(request) conflicts with existing state (HTTP 409\(said)). Choose another name or remove the "
                    + "existing one first.", cause: self)
        case 429:
            return QdrantError(
                .rateLimited,
                "\(request) was rate-limited (HTTP 429\(said)). Retry later or lower the request rate.", cause: self)
        case 408, 500...:
            return QdrantError(
                .server,
                "\(request) failed on the server (HTTP \(status)\(said)). Check the Qdrant logs; retrying may help.",
                cause: self)
        default:
            return QdrantError(
                .badRequest,
                "\(request) was rejected (HTTP \(status)\(said)).", cause: self)
        }
    }
}

extension QdrantError {
    /// The Qdrant request failure behind this error, if it is one.
    public var qdrantFailure: QdrantFailure? { cause as? QdrantFailure }

    /// True when this error is a Qdrant failure worth retrying (5xx, 408, 429, no response).
    public var isRetriableQdrantFailure: Bool { qdrantFailure?.retriable ?? false }
}
