import QSnapCore

/// The `multipart/form-data` framing of a snapshot upload: one file field around a streamed body, so a snapshot is
/// sent without a temporary copy.
///
/// ```
/// --<boundary>\r\n
/// Content-Disposition: form-data; name="snapshot"; filename="<file name>"\r\n
/// Content-Type: application/octet-stream\r\n
/// \r\n
/// <body bytes>
/// \r\n--<boundary>--\r\n
/// ```
public struct MultipartUpload: Sendable, Hashable {
    /// The boundary (never occurs in the framing; random, so a body cannot contain it by accident).
    public let boundary: String
    /// The bytes before the body.
    public let prefix: [UInt8]
    /// The bytes after the body.
    public let suffix: [UInt8]

    /// The `Content-Type` header value.
    public var contentType: String { "multipart/form-data; boundary=\(boundary)" }

    /// Frames a file field.
    /// - Parameters:
    ///   - fieldName: the form field (`snapshot` for Qdrant).
    ///   - fileName: the file name sent to the server; Qdrant stores the upload under its base name.
    ///   - boundary: the boundary; random by default.
    /// - Throws: `usage("qdrant.upload-name")` when `fileName` is not a bare file name or contains a quote or a
    ///   control character.
    public init(fieldName: String = "snapshot", fileName: String, boundary: String = MultipartUpload.randomBoundary())
        throws
    {
        guard SnapshotName.isBareFileName(fileName),
            !fileName.unicodeScalars.contains(where: { $0 == "\"" || $0.value < 0x20 || $0.value == 0x7f })
        else {
            throw QdrantError(
                .uploadName,
                "Cannot upload a snapshot as \"\(fileName.prefix(200))\": the upload name must be a bare file name "
                    + "without quotes or control characters, e.g. my-collection.snapshot.")
        }
        self.boundary = boundary
        prefix = Array(
            ("--\(boundary)\r\n"
                + "Content-Disposition: form-data; name=\"\(fieldName)\"; filename=\"\(fileName)\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n").utf8)
        suffix = Array("\r\n--\(boundary)--\r\n".utf8)
    }

    /// The total request body length for a body of `bodyLength` bytes; `nil` (chunked upload) when unknown.
    public func totalLength(bodyLength: Int64?) -> Int64? {
        bodyLength.map { Int64(prefix.count) + $0 + Int64(suffix.count) }
    }

    /// A random boundary: `qsnap-` and 32 hex digits.
    public static func randomBoundary() -> String {
        var g = SystemRandomNumberGenerator()
        let bytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &g) }
        return "qsnap-" + Hex.encode(bytes)
    }
}
