import Archive
import HTTP
import QSnapCore
import Qdrant
import S3

extension QSnapError.Code {
    /// The code of the same identifier as an HTTP failure's.
    public init(_ code: HTTPErrorCode) {
        switch code {
        case .body: self = .httpBody
        case .transport: self = .httpTransport
        }
    }

    /// The code of the same identifier as an S3 failure's.
    public init(_ code: S3ErrorCode) {
        switch code {
        case .accessDenied: self = .s3AccessDenied
        case .auth: self = .s3Auth
        case .bucket: self = .s3Bucket
        case .cannotOpen: self = .s3CannotOpen
        case .conditionalConflict: self = .s3ConditionalConflict
        case .credentials: self = .s3Credentials
        case .credentialsUnavailable: self = .s3CredentialsUnavailable
        case .delete: self = .s3Delete
        case .endpoint: self = .s3Endpoint
        case .error: self = .s3Error
        case .noSuchBucket: self = .s3NoSuchBucket
        case .noSuchUpload: self = .s3NoSuchUpload
        case .notFound: self = .s3NotFound
        case .partNumber: self = .s3PartNumber
        case .partSize: self = .s3PartSize
        case .preconditionFailed: self = .s3PreconditionFailed
        case .presignExpiry: self = .s3PresignExpiry
        case .profile: self = .s3Profile
        case .protocol: self = .s3Protocol
        case .read: self = .s3Read
        case .region: self = .s3Region
        case .tooManyParts: self = .s3TooManyParts
        case .upload: self = .s3Upload
        }
    }

    /// The code of the same identifier as a Qdrant failure's.
    public init(_ code: QdrantErrorCode) {
        switch code {
        case .auth: self = .qdrantAuth
        case .badRequest: self = .qdrantBadRequest
        case .badResponse: self = .qdrantBadResponse
        case .checksum: self = .qdrantChecksum
        case .conflict: self = .qdrantConflict
        case .downloadEncoding: self = .qdrantDownloadEncoding
        case .downloadLength: self = .qdrantDownloadLength
        case .fullRecover: self = .qdrantFullRecover
        case .jwtExpired: self = .qdrantJwtExpired
        case .jwtSignature: self = .qdrantJwtSignature
        case .notFound: self = .qdrantNotFound
        case .rateLimited: self = .qdrantRateLimited
        case .server: self = .qdrantServer
        case .snapshotTimeout: self = .qdrantSnapshotTimeout
        case .snapshotVanished: self = .qdrantSnapshotVanished
        case .tls: self = .qdrantTls
        case .uploadLength: self = .qdrantUploadLength
        case .uploadName: self = .qdrantUploadName
        case .url: self = .qdrantUrl
        }
    }

    /// The code of the same identifier as an Archive failure's.
    public init(_ code: ArchiveErrorCode) {
        switch code {
        case .absolutePath: self = .archiveAbsolutePath
        case .badMetadata: self = .archiveBadMetadata
        case .checksum: self = .archiveChecksum
        case .corrupt: self = .archiveCorrupt
        case .duplicateEntry: self = .archiveDuplicateEntry
        case .expansion: self = .archiveExpansion
        case .feedClosed: self = .archiveFeedClosed
        case .incomplete: self = .archiveIncomplete
        case .invalidName: self = .archiveInvalidName
        case .link: self = .archiveLink
        case .notQdrant: self = .archiveNotQdrant
        case .notTar: self = .archiveNotTar
        case .open: self = .archiveOpen
        case .overlongName: self = .archiveOverlongName
        case .oversized: self = .archiveOversized
        case .pathTraversal: self = .archivePathTraversal
        case .read: self = .archiveRead
        case .specialFile: self = .archiveSpecialFile
        case .truncated: self = .archiveTruncated
        case .inspectChecksum: self = .inspectChecksum
        case .inspectSidecar: self = .inspectSidecar
        case .threadCreate: self = .threadCreate
        }
    }
}

extension QSnapError {
    /// `error` as qsnap reports it: a ``QSnapError`` as it is; an HTTP, S3, Qdrant or archive failure under the code
    /// of the same identifier, with its message and cause; `nil` for anything else.
    public init?(mapping error: any Error) {
        switch error {
        case let error as QSnapError: self = error
        case let error as HTTPError: self.init(Code(error.code), error.message, cause: error.cause)
        case let error as S3Error: self.init(Code(error.code), error.message, cause: error.cause)
        case let error as QdrantError: self.init(Code(error.code), error.message, cause: error.cause)
        case let error as ArchiveError: self.init(Code(error.code), error.message, cause: error.cause)
        default: return nil
        }
    }

    /// `error` as qsnap reports it (see ``init(mapping:)``); anything else as `code` with `describe(error)`.
    public init(mapping error: any Error, else code: Code, _ describe: (any Error) -> String = { "\($0)" }) {
        self = QSnapError(mapping: error) ?? QSnapError(code, describe(error))
    }
}
