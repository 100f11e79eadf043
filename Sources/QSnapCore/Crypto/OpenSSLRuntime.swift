internal import CCrypto

/// OpenSSL's process-wide set-up, done once before anything else in the process uses libcrypto.
///
/// OpenSSL otherwise registers an `atexit` handler (`OPENSSL_cleanup`) that frees its global state when the process
/// exits — while a thread that is still exiting (running its thread-local destructors, e.g. OpenSSL's per-thread
/// state) may use it: a crash at exit. Initialised with `OPENSSL_INIT_NO_ATEXIT`, nothing is freed; the system
/// reclaims it. Only the first initialisation decides, so this runs before libcurl's (``Digest``, ``HMACSHA256`` and
/// the HTTP client call it).
public enum OpenSSLRuntime {
    private static let initialised: Bool = OPENSSL_init_crypto(UInt64(OPENSSL_INIT_NO_ATEXIT), nil) == 1

    /// Initialises libcrypto without its exit-time clean-up (once; later calls return at once).
    /// - Returns: false when OpenSSL could not be initialised (its later use then fails as it would have).
    @discardableResult
    public static func initialize() -> Bool { initialised }
}
