/// One uploaded part of a multipart upload.
public struct S3Part: Sendable, Hashable, Codable {
    /// The part number, 1…10000.
    public var partNumber: Int
    /// The ETag S3 returned (no quotes).
    public var etag: String
    /// The size in bytes (from ListParts; the local size for parts just uploaded).
    public var size: Int64
    /// Base64 SHA-256 of the part (`x-amz-checksum-sha256`), when known.
    public var checksumSHA256: String?
    /// Base64 CRC-32 of the part (`x-amz-checksum-crc32`), when known.
    public var checksumCRC32: String?
    /// Base64 CRC-32C of the part (`x-amz-checksum-crc32c`), when known.
    public var checksumCRC32C: String?

    /// Creates a part record.
    public init(
        partNumber: Int, etag: String, size: Int64, checksumSHA256: String? = nil, checksumCRC32: String? = nil,
        checksumCRC32C: String? = nil
    ) {
        self.partNumber = partNumber
        self.etag = etag
        self.size = size
        self.checksumSHA256 = checksumSHA256
        self.checksumCRC32 = checksumCRC32
        self.checksumCRC32C = checksumCRC32C
    }

    /// A part record carrying the checksum `algorithm` from `digests`.
    init(partNumber: Int, etag: String, size: Int64, algorithm: S3ChecksumAlgorithm?, digests: S3Payload.Digests) {
        self.init(
            partNumber: partNumber, etag: etag, size: size,
            checksumSHA256: algorithm == .sha256 ? digests.sha256Base64 : nil,
            checksumCRC32: algorithm == .crc32 ? digests.crc32Base64 : nil,
            checksumCRC32C: algorithm == .crc32c ? digests.crc32cBase64 : nil)
    }

    /// The checksum algorithm the stored part carries, if any.
    public var checksumAlgorithm: S3ChecksumAlgorithm? {
        checksumSHA256 != nil ? .sha256 : (checksumCRC32 != nil ? .crc32 : (checksumCRC32C != nil ? .crc32c : nil))
    }
}
