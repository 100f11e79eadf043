/// The error a library target (HTTP, S3, Qdrant, Archive) throws: a code from the target's own closed set, a message
/// and the underlying cause. Each target names its specialisation (`S3Error` is `LibraryError<S3ErrorCode>`), so a
/// `catch let error as S3Error` catches that target's failures only. `QSnap` maps them to ``QSnapError``.
public struct LibraryError<ErrorCode: LibraryErrorCode>: MessageError, CustomStringConvertible {
    /// The target's code type.
    public typealias Code = ErrorCode

    /// What failed.
    public var code: Code
    /// A sentence naming what is wrong and what to do about it (no secrets).
    public var message: String
    /// The underlying error, if any (e.g. the libcurl failure, the store's or the node's answer).
    public var cause: (any Error & Sendable)?

    /// Creates an error.
    /// - Parameters:
    ///   - code: what failed.
    ///   - message: what is wrong and what to do.
    ///   - cause: the underlying error, if any.
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
