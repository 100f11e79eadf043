internal import CCrypto

/// The key derivations of encrypted repositories: scrypt for passwords, HKDF-SHA256 for per-object keys (OpenSSL).
public enum KeyDerivation {
    /// scrypt parameters.
    public struct ScryptParameters: Codable, Sendable, Equatable {
        /// CPU/memory cost (a power of two).
        public var n: UInt64
        public var r: UInt64
        public var p: UInt64

        /// The default: N = 2^15, r = 8, p = 1 (32 MiB, about 0.1 s).
        public static let standard = ScryptParameters(n: 1 << 15, r: 8, p: 1)

        public init(n: UInt64, r: UInt64, p: UInt64) {
            self.n = n
            self.r = r
            self.p = p
        }

        /// Bounds a key file may ask for (a damaged or hostile file must not exhaust memory).
        public var isReasonable: Bool {
            n >= 2 && n <= 1 << 20 && n & (n - 1) == 0 && r >= 1 && r <= 32 && p >= 1 && p <= 16
        }

        /// Memory scrypt needs, in bytes.
        var memory: UInt64 { 128 * r * (n + p + 2) }
    }

    /// A 32-byte key from `password` and `salt` with scrypt.
    /// - Throws: `refused("key.kdf")` when the parameters are out of bounds.
    public static func scrypt(password: [UInt8], salt: [UInt8], parameters: ScryptParameters) throws -> [UInt8] {
        guard parameters.isReasonable else {
            throw QSnapError(
                .keyKdfParameters,
                "the key file asks for scrypt parameters out of bounds (N=\(parameters.n), r=\(parameters.r), p=\(parameters.p))"
            )
        }
        OpenSSLRuntime.initialize()
        var out = [UInt8](repeating: 0, count: 32)
        let ok = out.withUnsafeMutableBytes { o in
            ccrypto_scrypt(
                password, password.count, salt, salt.count, parameters.n, parameters.r, parameters.p,
                parameters.memory + (1 << 20), o.baseAddress, 32)
        }
        guard ok == 1 else { throw QSnapError(.keyKdf, "scrypt failed (OpenSSL EVP_PBE_scrypt)") }
        return out
    }

    /// HKDF-SHA256 of `key` with `salt` and `info`, `length` bytes.
    public static func hkdf(key: [UInt8], salt: [UInt8], info: [UInt8], length: Int = 32) -> [UInt8] {
        OpenSSLRuntime.initialize()
        var out = [UInt8](repeating: 0, count: length)
        let ok = out.withUnsafeMutableBytes { o in
            ccrypto_hkdf_sha256(key, key.count, salt, salt.count, info, info.count, o.baseAddress, length)
        }
        precondition(ok == 1, "OpenSSL HKDF failed")
        return out
    }
}
