/// A failure of the S3 layer, with a closed ``Code``. `QSnap` maps it to the `QSnapError` of the same identifier.
public struct S3Error: Error, Sendable, CustomStringConvertible {
    /// What failed; the raw value is the stable identifier qsnap reports.
    public enum Code: String, CaseIterable, Sendable, CustomStringConvertible {
        /// `s3.access-denied`.
        case accessDenied = "s3.access-denied"
        /// `s3.auth`.
        case auth = "s3.auth"
        /// `s3.bucket`.
        case bucket = "s3.bucket"
        /// `s3.cannot-open`.
        case cannotOpen = "s3.cannot-open"
        /// `s3.conditional-conflict`.
        case conditionalConflict = "s3.conditional-conflict"
        /// `s3.credentials`.
        case credentials = "s3.credentials"
        /// `s3.credentials-unavailable`.
        case credentialsUnavailable = "s3.credentials-unavailable"
        /// `s3.delete`.
        case delete = "s3.delete"
        /// `s3.endpoint`.
        case endpoint = "s3.endpoint"
        /// `s3.error`.
        case error = "s3.error"
        /// `s3.no-such-bucket`.
        case noSuchBucket = "s3.no-such-bucket"
        /// `s3.no-such-upload`.
        case noSuchUpload = "s3.no-such-upload"
        /// `s3.not-found`.
        case notFound = "s3.not-found"
        /// `s3.part-number`.
        case partNumber = "s3.part-number"
        /// `s3.part-size`.
        case partSize = "s3.part-size"
        /// `s3.precondition-failed`.
        case preconditionFailed = "s3.precondition-failed"
        /// `s3.presign-expiry`.
        case presignExpiry = "s3.presign-expiry"
        /// `s3.profile`.
        case profile = "s3.profile"
        /// `s3.protocol`.
        case `protocol` = "s3.protocol"
        /// `s3.read`.
        case read = "s3.read"
        /// `s3.region`.
        case region = "s3.region"
        /// `s3.too-many-parts`.
        case tooManyParts = "s3.too-many-parts"
        /// `s3.upload`.
        case upload = "s3.upload"

        /// The stable identifier, such as `s3.access-denied`.
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
