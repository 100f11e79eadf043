/// The one public error type of qsnap.
///
/// Every failure that reaches a user carries a ``Code`` (which decides the process exit status),
/// a message that names what is wrong and what to do, and optionally the underlying cause.
/// Messages never contain secrets: callers pass values through ``Redactor`` before building them.
public struct QSnapError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is; decides the exit status.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Kind: String, Sendable {
            case failure, usage, refused, verificationFailed, busy, keyRejected
        }
        private let kind: Kind
        /// A short, stable identifier such as `archive.unsafe-entry`, used in `--json` output.
        public let identifier: String

        private init(_ kind: Kind, _ identifier: String) {
            self.kind = kind
            self.identifier = identifier
        }

        /// A generic failure (exit 1): I/O, network, a server error.
        public static func failure(_ identifier: String) -> Code { Code(.failure, identifier) }
        /// Bad command-line input or configuration (exit 2).
        public static func usage(_ identifier: String) -> Code { Code(.usage, identifier) }
        /// Refused by a safety or compatibility check (exit 3).
        public static func refused(_ identifier: String) -> Code { Code(.refused, identifier) }
        /// Verification of data failed: checksum, size, count (exit 4).
        public static func verificationFailed(_ identifier: String) -> Code { Code(.verificationFailed, identifier) }
        /// Another run holds the repository lock (exit 5).
        public static func busy(_ identifier: String) -> Code { Code(.busy, identifier) }
        /// An encrypted repository's key cannot be unlocked: the password opens none of its key files (exit 6).
        public static func keyRejected(_ identifier: String) -> Code { Code(.keyRejected, identifier) }

        /// The process exit status for this code.
        public var exitStatus: Int32 {
            switch kind {
            case .failure: return ExitStatus.failure
            case .usage: return ExitStatus.usage
            case .refused: return ExitStatus.refused
            case .verificationFailed: return ExitStatus.verificationFailed
            case .busy: return ExitStatus.busy
            case .keyRejected: return ExitStatus.keyRejected
            }
        }

        /// The category name: `failure`, `usage`, `refused`, `verificationFailed`, `busy` or `keyRejected`.
        public var category: String { kind.rawValue }

        public var description: String { identifier }

        public static func == (lhs: Code, rhs: Code) -> Bool {
            lhs.kind == rhs.kind && lhs.identifier == rhs.identifier
        }
        public func hash(into hasher: inout Hasher) {
            hasher.combine(kind.rawValue)
            hasher.combine(identifier)
        }
    }

    /// What kind of failure this is.
    public var code: Code
    /// A sentence naming what is wrong and what to do about it.
    public var message: String
    /// The underlying error, if any.
    public var cause: (any Error & Sendable)?

    /// Creates an error.
    /// - Parameters:
    ///   - code: the kind of failure.
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
