extension QSnapError {
    /// The kind of a failure; it decides the process exit status.
    public enum Category: String, CaseIterable, Sendable, CustomStringConvertible {
        /// A generic failure (exit 1): I/O, network, a server error.
        case failure
        /// Bad command-line input or configuration (exit 2).
        case usage
        /// Refused by a safety or compatibility check (exit 3).
        case refused
        /// Verification of data failed: checksum, size, count (exit 4).
        case verificationFailed
        /// Another run holds the repository lock (exit 5).
        case busy
        /// An encrypted repository's key cannot be unlocked: the password opens none of its key files (exit 6).
        case keyRejected

        /// The process exit status.
        public var exitStatus: Int32 {
            switch self {
            case .failure: return ExitStatus.failure
            case .usage: return ExitStatus.usage
            case .refused: return ExitStatus.refused
            case .verificationFailed: return ExitStatus.verificationFailed
            case .busy: return ExitStatus.busy
            case .keyRejected: return ExitStatus.keyRejected
            }
        }

        public var description: String { rawValue }
    }
}
