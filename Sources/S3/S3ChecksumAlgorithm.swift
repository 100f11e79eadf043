/// The flexible checksum a multipart upload declares at CreateMultipartUpload and every part carries.
public enum S3ChecksumAlgorithm: String, Sendable, Hashable, Codable {
    /// `x-amz-checksum-sha256` (goes with signed payloads: one SHA-256 pass serves both).
    case sha256 = "SHA256"
    /// `x-amz-checksum-crc32` (goes with `UNSIGNED-PAYLOAD`).
    case crc32 = "CRC32"
    /// `x-amz-checksum-crc32c` (`--checksum crc32c`).
    case crc32c = "CRC32C"

    /// The name in messages: `SHA-256`, `CRC-32`, `CRC-32C`.
    public var displayName: String {
        switch self {
        case .sha256: return "SHA-256"
        case .crc32: return "CRC-32"
        case .crc32c: return "CRC-32C"
        }
    }

    /// The request header that carries a part's checksum.
    var headerName: String {
        switch self {
        case .sha256: return "x-amz-checksum-sha256"
        case .crc32: return "x-amz-checksum-crc32"
        case .crc32c: return "x-amz-checksum-crc32c"
        }
    }
}
