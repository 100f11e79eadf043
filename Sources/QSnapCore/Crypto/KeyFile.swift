import Foundation

/// One wrapped key, `keys/<id>.json`: the ``RepositorySecrets`` encrypted with AES-256-GCM under a key derived from
/// a password with scrypt. Several may exist; each opens the repository with its own password.
///
/// `{"id","created","host","kdf":{"algorithm":"scrypt","n","r","p","salt"},"cipher":"aes-256-gcm","nonce","data"}`
/// (`salt`, `nonce` and `data` base64; the AAD is `qsnap key <id>`).
public struct KeyFile: Codable, Sendable, Equatable {
    /// The scrypt parameters and salt.
    public struct KDF: Codable, Sendable, Equatable {
        public var algorithm: String
        public var n: UInt64
        public var r: UInt64
        public var p: UInt64
        public var salt: Data
    }

    /// 16 hex digits.
    public var id: String
    public var created: String
    public var host: String
    public var kdf: KDF
    public var cipher: String
    public var nonce: Data
    public var data: Data

    /// Wraps `secrets` under `password`.
    public static func wrap(
        _ secrets: RepositorySecrets, password: String, id: String = Hex.encode(SecureRandom.bytes(8)),
        created: String, host: String,
        parameters: KeyDerivation.ScryptParameters = .standard
    ) throws -> KeyFile {
        let salt = SecureRandom.bytes(16)
        let kek = try KeyDerivation.scrypt(password: Array(password.utf8), salt: salt, parameters: parameters)
        let nonce = SecureRandom.bytes(AESGCM.nonceSize)
        let plain = try JSONEncoder().encode(secrets)
        var sealed: [UInt8] = []
        plain.withUnsafeBytes { AESGCM.seal(key: kek, nonce: nonce, aad: aad(id), plaintext: $0, into: &sealed) }
        return KeyFile(
            id: id, created: created, host: host,
            kdf: KDF(algorithm: "scrypt", n: parameters.n, r: parameters.r, p: parameters.p, salt: Data(salt)),
            cipher: "aes-256-gcm", nonce: Data(nonce), data: Data(sealed))
    }

    /// Unwraps the secrets with `password`.
    /// - Returns: `nil` when the password is not this key's.
    /// - Throws: `refused("key.file")` for a key file this qsnap cannot use.
    public func unwrap(password: String) throws -> RepositorySecrets? {
        guard kdf.algorithm == "scrypt", cipher == "aes-256-gcm", nonce.count == AESGCM.nonceSize else {
            throw QSnapError(
                .keyFile, "key \(id) uses \(kdf.algorithm)/\(cipher), which this qsnap cannot open")
        }
        let kek = try KeyDerivation.scrypt(
            password: Array(password.utf8), salt: Array(kdf.salt),
            parameters: .init(n: kdf.n, r: kdf.r, p: kdf.p))
        var plain: [UInt8] = []
        let ok = data.withUnsafeBytes {
            AESGCM.open(key: kek, nonce: Array(nonce), aad: Self.aad(id), sealed: $0, into: &plain)
        }
        guard ok else { return nil }
        do {
            return try JSONDecoder().decode(RepositorySecrets.self, from: Data(plain))
        } catch {
            throw QSnapError(.keyFile, "key \(id) holds no usable master key")
        }
    }

    private static func aad(_ id: String) -> [UInt8] { Array("qsnap key \(id)".utf8) }

    /// Whether `id` is a key id (16 lower-case hex digits).
    public static func isValidID(_ id: String) -> Bool {
        id.count == 16 && id.allSatisfy { ("0"..."9").contains($0) || ("a"..."f").contains($0) }
    }

    /// The encoded JSON.
    public var bytes: [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return Array((try? encoder.encode(self)) ?? Data())
    }
}
