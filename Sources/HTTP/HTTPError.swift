/// A failure of the HTTP target, with a closed ``Code``. `QSnap` maps it to the `QSnapError` code of the same
/// identifier.
public struct HTTPError: Error, Sendable, CustomStringConvertible {
    /// What failed; the raw value is the stable identifier qsnap reports.
    public enum Code: String, CaseIterable, Sendable, CustomStringConvertible {
        /// A request body could not be read: a file that cannot be opened, a body source that failed.
        case body = "http.body"
        /// The transfer failed below HTTP (connection, timeout, reset, TLS); the cause is the libcurl failure.
        case transport = "http.transport"

        /// The stable identifier, such as `http.body`.
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
