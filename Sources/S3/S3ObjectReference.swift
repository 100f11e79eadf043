import QSnapCore

/// An object in a bucket of the client's endpoint: the source of a server-side copy.
public struct S3ObjectReference: Sendable, Hashable, Codable {
    /// The bucket.
    public var bucket: String
    /// The object key.
    public var key: String

    /// Creates a reference.
    public init(bucket: String, key: String) {
        self.bucket = bucket
        self.key = key
    }

    /// `s3://bucket/key`, for messages.
    public var display: String { "s3://\(bucket)/\(key)" }

    /// The `x-amz-copy-source` value: `/bucket/key`, the key URL-encoded with its slashes kept.
    var copySourceHeader: String { "/\(bucket)/" + SigV4Encoding.encodePath(key) }
}
