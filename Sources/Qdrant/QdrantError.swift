/// A failure of the Qdrant layer, with a closed ``Code``. `QSnap` maps it to the `QSnapError` of the same identifier.
public struct QdrantError: Error, Sendable, CustomStringConvertible {
    /// What failed; the raw value is the stable identifier qsnap reports.
    public enum Code: String, CaseIterable, Sendable, CustomStringConvertible {
        /// `qdrant.auth`.
        case auth = "qdrant.auth"
        /// `qdrant.bad-request`.
        case badRequest = "qdrant.bad-request"
        /// `qdrant.bad-response`.
        case badResponse = "qdrant.bad-response"
        /// `qdrant.checksum`.
        case checksum = "qdrant.checksum"
        /// `qdrant.conflict`.
        case conflict = "qdrant.conflict"
        /// `qdrant.download-encoding`.
        case downloadEncoding = "qdrant.download-encoding"
        /// `qdrant.download-length`.
        case downloadLength = "qdrant.download-length"
        /// `qdrant.full-recover`.
        case fullRecover = "qdrant.full-recover"
        /// `qdrant.jwt-expired`.
        case jwtExpired = "qdrant.jwt-expired"
        /// `qdrant.jwt-signature`.
        case jwtSignature = "qdrant.jwt-signature"
        /// `qdrant.not-found`.
        case notFound = "qdrant.not-found"
        /// `qdrant.rate-limited`.
        case rateLimited = "qdrant.rate-limited"
        /// `qdrant.server`.
        case server = "qdrant.server"
        /// `qdrant.snapshot-timeout`.
        case snapshotTimeout = "qdrant.snapshot-timeout"
        /// `qdrant.snapshot-vanished`.
        case snapshotVanished = "qdrant.snapshot-vanished"
        /// `qdrant.tls`.
        case tls = "qdrant.tls"
        /// `qdrant.upload-length`.
        case uploadLength = "qdrant.upload-length"
        /// `qdrant.upload-name`.
        case uploadName = "qdrant.upload-name"
        /// `qdrant.url`.
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
