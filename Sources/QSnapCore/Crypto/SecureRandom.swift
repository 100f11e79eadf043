internal import CCrypto

/// Cryptographically secure random bytes (OpenSSL `RAND_bytes`).
public enum SecureRandom {
    /// `count` random bytes.
    public static func bytes(_ count: Int) -> [UInt8] {
        OpenSSLRuntime.initialize()
        var out = [UInt8](repeating: 0, count: count)
        let ok = out.withUnsafeMutableBytes { ccrypto_random($0.baseAddress, Int32(count)) }
        precondition(ok == 1, "OpenSSL RAND_bytes failed")
        return out
    }
}
