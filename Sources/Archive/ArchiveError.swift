/// A failure of the Archive layer, with a closed ``Code``. `QSnap` maps it to the `QSnapError` of the same identifier.
public struct ArchiveError: Error, Sendable, CustomStringConvertible {
    /// What failed; the raw value is the stable identifier qsnap reports.
    public enum Code: String, CaseIterable, Sendable, CustomStringConvertible {
        /// `archive.absolute-path`.
        case absolutePath = "archive.absolute-path"
        /// `archive.bad-metadata`.
        case badMetadata = "archive.bad-metadata"
        /// `archive.checksum`.
        case checksum = "archive.checksum"
        /// `archive.corrupt`.
        case corrupt = "archive.corrupt"
        /// `archive.duplicate-entry`.
        case duplicateEntry = "archive.duplicate-entry"
        /// `archive.expansion`.
        case expansion = "archive.expansion"
        /// `archive.feed-closed`.
        case feedClosed = "archive.feed-closed"
        /// `archive.incomplete`.
        case incomplete = "archive.incomplete"
        /// `archive.invalid-name`.
        case invalidName = "archive.invalid-name"
        /// `archive.link`.
        case link = "archive.link"
        /// `archive.not-qdrant`.
        case notQdrant = "archive.not-qdrant"
        /// `archive.not-tar`.
        case notTar = "archive.not-tar"
        /// `archive.open`.
        case open = "archive.open"
        /// `archive.overlong-name`.
        case overlongName = "archive.overlong-name"
        /// `archive.oversized`.
        case oversized = "archive.oversized"
        /// `archive.path-traversal`.
        case pathTraversal = "archive.path-traversal"
        /// `archive.read`.
        case read = "archive.read"
        /// `archive.special-file`.
        case specialFile = "archive.special-file"
        /// `archive.truncated`.
        case truncated = "archive.truncated"
        /// `inspect.checksum`.
        case inspectChecksum = "inspect.checksum"
        /// `inspect.sidecar`.
        case inspectSidecar = "inspect.sidecar"
        /// `thread.create`.
        case threadCreate = "thread.create"

        /// The stable identifier, such as `archive.absolute-path`.
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
