/// What uploads send for the store to verify their bytes (`--checksum`).
///
/// `auto` (default): the flexible checksum that suits the payload signing (SHA-256 with signed bodies, else
/// CRC-32) — and, should the store reject `x-amz-checksum-*` headers (``S3ServiceError/isChecksumRejection``),
/// `Content-MD5` instead for the rest of the run. An explicit algorithm falls back the same way; `md5` sends only
/// `Content-MD5`; `none` sends no checksum (signed bodies are still verified by their signature, and qsnap's own
/// SHA-256 of every object is checked by `qsnap verify` either way).
public enum S3ChecksumChoice: String, Sendable, Hashable, CaseIterable {
    case auto, crc32c, crc32, sha256, md5, none

    /// The flexible checksum to declare, `nil` for `md5` and `none`.
    public func algorithm(signsPayload: Bool) -> S3ChecksumAlgorithm? {
        switch self {
        case .auto: return signsPayload ? .sha256 : .crc32
        case .crc32c: return .crc32c
        case .crc32: return .crc32
        case .sha256: return .sha256
        case .md5, .none: return nil
        }
    }

    /// Whether `Content-MD5` is sent: for `md5`, and instead of a rejected flexible checksum (except for `none`).
    public func sendsContentMD5(checksumRejected: Bool) -> Bool {
        self == .md5 || (checksumRejected && self != .none)
    }
}
