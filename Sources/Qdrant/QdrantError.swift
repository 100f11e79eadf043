/// A failure of the Qdrant target, with a closed ``Code``. `QSnap` maps it to the `QSnapError` code of the same
/// identifier.
public struct QdrantError: Error, Sendable, CustomStringConvertible {
    /// What failed; the raw value is the stable identifier qsnap reports.
    public enum Code: String, CaseIterable, Sendable, CustomStringConvertible {
        /// The node refused the api key or JWT (401, 403).
        case auth = "qdrant.auth"
        /// The node rejected the request (400, 405, 422).
        case badRequest = "qdrant.bad-request"
        /// The node answered with a body qsnap cannot read.
        case badResponse = "qdrant.bad-response"
        /// A snapshot checksum given to the node is not a SHA-256.
        case checksum = "qdrant.checksum"
        /// The node reports a conflict (409), e.g. an operation already in progress.
        case conflict = "qdrant.conflict"
        /// A snapshot download arrived content-encoded although raw bytes were asked for.
        case downloadEncoding = "qdrant.download-encoding"
        /// A snapshot download is shorter or longer than announced.
        case downloadLength = "qdrant.download-length"
        /// A full-storage snapshot cannot be recovered through the REST API.
        case fullRecover = "qdrant.full-recover"
        /// The JWT has expired.
        case jwtExpired = "qdrant.jwt-expired"
        /// The node rejected the JWT's signature.
        case jwtSignature = "qdrant.jwt-signature"
        /// The collection, shard or snapshot does not exist (404).
        case notFound = "qdrant.not-found"
        /// The node is rate limiting (429).
        case rateLimited = "qdrant.rate-limited"
        /// The node failed (5xx) or did not answer.
        case server = "qdrant.server"
        /// A snapshot did not appear before its deadline.
        case snapshotTimeout = "qdrant.snapshot-timeout"
        /// A snapshot the node listed is gone.
        case snapshotVanished = "qdrant.snapshot-vanished"
        /// TLS with the node failed; the message names the setting to change.
        case tls = "qdrant.tls"
        /// A snapshot upload body is shorter or longer than announced.
        case uploadLength = "qdrant.upload-length"
        /// A snapshot upload name is not a bare file name.
        case uploadName = "qdrant.upload-name"
        /// The node URL is not an absolute http(s) URL.
        case url = "qdrant.url"

        /// The stable identifier, such as `qdrant.auth`.
        public var identifier: String { rawValue }

        public var description: String { rawValue }
    }

    /// What failed.
    public var code: Code
    /// A sentence naming what is wrong and what to do about it (no secrets).
    public var message: String
    /// The underlying error, if any.
    public var cause: (any Error & Sendable)?

    /// Creates an error.
    public init(_ code: Code, _ message: String, cause: (any Error & Sendable)? = nil) {
        self.code = code
        self.message = message
        self.cause = cause
    }

    public var description: String {
        guard let cause else { return message }
        return "\(message) (cause: \(cause))"
    }
}
