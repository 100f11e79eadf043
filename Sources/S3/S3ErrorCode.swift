import QSnapCore

/// A failure of the S3 target: an ``S3ErrorCode``, a message and the cause. `QSnap` maps it to the `QSnapError`
/// code of the same identifier.
public typealias S3Error = LibraryError<S3ErrorCode>

/// What failed in the S3 target; the raw value is the stable identifier qsnap reports.
public enum S3ErrorCode: String, LibraryErrorCode {
    /// The store refused the request (403 AccessDenied or similar).
    case accessDenied = "s3.access-denied"
    /// The store rejected the signature or the access key (wrong secret, unknown key, expired token, skewed clock).
    case auth = "s3.auth"
    /// The configured bucket name is not usable.
    case bucket = "s3.bucket"
    /// A local file to upload cannot be opened (a usage error).
    case cannotOpen = "s3.cannot-open"
    /// A conditional write lost to a concurrent one (409 ConditionalRequestConflict).
    case conditionalConflict = "s3.conditional-conflict"
    /// The credential settings are missing or inconsistent (a usage error).
    case credentials = "s3.credentials"
    /// A credential source was configured but could not hand out credentials (STS, IMDS, a process).
    case credentialsUnavailable = "s3.credentials-unavailable"
    /// Some objects of a batch delete could not be deleted.
    case delete = "s3.delete"
    /// The configured endpoint URL is not usable.
    case endpoint = "s3.endpoint"
    /// Any other error answer from the store; the cause carries its status and S3 code.
    case error = "s3.error"
    /// The bucket does not exist.
    case noSuchBucket = "s3.no-such-bucket"
    /// The multipart upload does not exist (completed or aborted).
    case noSuchUpload = "s3.no-such-upload"
    /// The object does not exist.
    case notFound = "s3.not-found"
    /// A part number outside 1 to 10,000.
    case partNumber = "s3.part-number"
    /// The configured part size is too small.
    case partSize = "s3.part-size"
    /// A conditional write or read found its condition false (412).
    case preconditionFailed = "s3.precondition-failed"
    /// A presigned URL expiry outside what SigV4 allows.
    case presignExpiry = "s3.presign-expiry"
    /// The named AWS profile does not exist or is incomplete (a usage error).
    case profile = "s3.profile"
    /// The store answered with a document qsnap cannot read.
    case `protocol` = "s3.protocol"
    /// Reading the bytes to upload failed.
    case read = "s3.read"
    /// The bucket lives in another region than the one the request was signed for.
    case region = "s3.region"
    /// The object is too large for 10,000 parts of the configured size.
    case tooManyParts = "s3.too-many-parts"
    /// A multipart upload lost track of its parts.
    case upload = "s3.upload"
}
