/// The one error type qsnap reports.
///
/// Every failure that reaches a user carries a ``Code`` (a closed set of stable identifiers, whose ``Category``
/// decides the process exit status), a message that names what is wrong and what to do, and optionally the
/// underlying cause. The library targets throw their own errors; `QSnap` maps them to this type.
/// Messages never contain secrets: callers pass values through ``Redactor`` before building them.
public struct QSnapError: MessageError, CustomStringConvertible {
    /// What failed.
    public var code: Code
    /// A sentence naming what is wrong and what to do about it.
    public var message: String
    /// The underlying error, if any.
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

    /// The sentence to show for `error`: its message when it carries one (a ``MessageError``), else its description.
    public static func message(of error: any Error) -> String {
        (error as? any MessageError)?.message ?? "\(error)"
    }
}
