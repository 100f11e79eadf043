/// What S3 reports about one object (HeadObject, GetObject, ListObjectsV2).
public struct S3ObjectInfo: Sendable, Hashable, Codable {
    /// The object key.
    public var key: String
    /// The size in bytes.
    public var size: Int64
    /// The ETag without quotes (not a content hash for multipart objects).
    public var etag: String
    /// Last modification time as the server wrote it (ISO 8601 in listings, HTTP date in HEAD).
    public var lastModified: String

    /// Creates an object description.
    public init(key: String, size: Int64, etag: String, lastModified: String) {
        self.key = key
        self.size = size
        self.etag = etag
        self.lastModified = lastModified
    }

    /// Removes surrounding quotes from an ETag.
    public static func unquote(_ etag: String) -> String {
        var e = etag
        if e.hasPrefix("W/") { e.removeFirst(2) }
        if e.hasPrefix("\"") && e.hasSuffix("\"") && e.count >= 2 { e = String(e.dropFirst().dropLast()) }
        return e
    }
}
