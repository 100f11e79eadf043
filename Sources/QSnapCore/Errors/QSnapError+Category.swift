extension QSnapError {
    /// The kind of a failure; the command line maps it to the process exit status (given beside each case).
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

        public var description: String { rawValue }
    }
}
