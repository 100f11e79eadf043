/// The documented exit statuses of the `qsnap` command.
public enum ExitStatus {
    /// Success.
    public static let ok: Int32 = 0
    /// A failure: I/O, network, server error.
    public static let failure: Int32 = 1
    /// Bad usage: unknown flag, missing argument, invalid configuration.
    public static let usage: Int32 = 2
    /// Refused by a safety or compatibility check (unsafe archive, version, disk, topology).
    public static let refused: Int32 = 3
    /// Verification failed: checksum, size or point count mismatch.
    public static let verificationFailed: Int32 = 4
    /// The repository is locked by another run.
    public static let busy: Int32 = 5
    /// The password opens none of an encrypted repository's keys.
    public static let keyRejected: Int32 = 6
}
