/// The documented exit statuses of the `qsnap` command.
enum ExitStatus {
    /// Success.
    static let ok: Int32 = 0
    /// A failure: I/O, network, server error.
    static let failure: Int32 = 1
    /// Bad usage: unknown flag, missing argument, invalid configuration.
    static let usage: Int32 = 2
    /// Refused by a safety or compatibility check (unsafe archive, version, disk, topology).
    static let refused: Int32 = 3
    /// Verification failed: checksum, size or point count mismatch.
    static let verificationFailed: Int32 = 4
    /// The repository is locked by another run.
    static let busy: Int32 = 5
    /// The password opens none of an encrypted repository's keys.
    static let keyRejected: Int32 = 6
}
