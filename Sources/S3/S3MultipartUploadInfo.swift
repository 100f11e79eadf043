/// An incomplete multipart upload (ListMultipartUploads).
public struct S3MultipartUploadInfo: Sendable, Hashable, Codable {
    /// The object key.
    public var key: String
    /// The upload id.
    public var uploadID: String
    /// When it was started (ISO 8601 as sent by the server).
    public var initiated: String

    /// Creates an upload record.
    public init(key: String, uploadID: String, initiated: String) {
        self.key = key
        self.uploadID = uploadID
        self.initiated = initiated
    }
}
