import QSnapCore

/// A failure of the Qdrant target: a ``QdrantErrorCode``, a message and the cause. `QSnap` maps it to the `QSnapError`
/// code of the same identifier.
public typealias QdrantError = LibraryError<QdrantErrorCode>

/// What failed in the Qdrant target; the raw value is the stable identifier qsnap reports.
public enum QdrantErrorCode: String, LibraryErrorCode {
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
}
