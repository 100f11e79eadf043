/// The 32 bytes at the start of every object of an encrypted repository.
///
/// ```
/// 0  "QSNAPENC"        magic (8)
/// 8  version           1
/// 9  compression       0 none, 1 zstd (of the plaintext, before encryption)
/// 10 reserved          0, 0
/// 12 key salt          16 random bytes: the object's key is HKDF-SHA256(master key, salt, "qsnap object key v1")
/// 28 nonce prefix      4 random bytes: chunk i's nonce is prefix ‖ i (64-bit big-endian)
/// ```
/// The header is authenticated as part of every chunk's AAD.
public struct EncryptedObjectHeader: Sendable, Equatable {
    /// The magic bytes.
    public static let magic: [UInt8] = Array("QSNAPENC".utf8)
    /// Encoded length.
    public static let size = 32
    /// The only version written.
    public static let currentVersion: UInt8 = 1

    /// How the plaintext was transformed before encryption.
    public enum Compression: UInt8, Sendable {
        case none = 0
        case zstd = 1
    }

    public var compression: Compression
    public var keySalt: [UInt8]
    public var noncePrefix: [UInt8]

    /// A header with fresh random salt and nonce prefix.
    public static func random(compression: Compression) -> EncryptedObjectHeader {
        EncryptedObjectHeader(
            compression: compression, keySalt: SecureRandom.bytes(16),
            noncePrefix: SecureRandom.bytes(4))
    }

    public init(compression: Compression, keySalt: [UInt8], noncePrefix: [UInt8]) {
        precondition(keySalt.count == 16 && noncePrefix.count == 4)
        self.compression = compression
        self.keySalt = keySalt
        self.noncePrefix = noncePrefix
    }

    /// The 32 encoded bytes.
    public var bytes: [UInt8] {
        Self.magic + [Self.currentVersion, compression.rawValue, 0, 0] + keySalt + noncePrefix
    }

    /// Parses a header.
    /// - Throws: `verificationFailed("crypto.not-encrypted")` without the magic (a plain object in an encrypted
    ///   repository), `verificationFailed("crypto.header")` for an unknown version or compression.
    public init(parsing b: ArraySlice<UInt8>, label: String) throws {
        let b = Array(b)
        guard b.count == Self.size, Array(b[0..<8]) == Self.magic else {
            throw QSnapError(
                .cryptoNotEncrypted,
                "\(label) is not an object of an encrypted repository (no QSNAPENC header): a plain object was put into an encrypted repository, or its start was damaged"
            )
        }
        guard b[8] == Self.currentVersion, b[10] == 0, b[11] == 0, let compression = Compression(rawValue: b[9]) else {
            throw QSnapError(
                .cryptoHeader,
                "\(label) has an unknown encrypted-object header (version \(b[8]), compression \(b[9])): damaged, or written by a newer qsnap"
            )
        }
        self.init(compression: compression, keySalt: Array(b[12..<28]), noncePrefix: Array(b[28..<32]))
    }

    /// The object's AES key under `masterKey`.
    public func objectKey(master: MasterKey) -> [UInt8] {
        KeyDerivation.hkdf(key: master.bytes, salt: keySalt, info: Array("qsnap object key v1".utf8))
    }

    /// The nonce of chunk `index`.
    public func nonce(chunk index: UInt64) -> [UInt8] { noncePrefix + ChunkFrame.bigEndian(index) }
}
