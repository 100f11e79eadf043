import Foundation

/// What a key file wraps: the master key and the settings an encrypted repository keeps secret.
public struct RepositorySecrets: Codable, Sendable, Equatable {
    /// The master key.
    public var masterKey: MasterKey
    /// How objects are compressed before encryption.
    public var compression: ObjectCompression

    public init(masterKey: MasterKey, compression: ObjectCompression) {
        self.masterKey = masterKey
        self.compression = compression
    }

    private enum CodingKeys: String, CodingKey { case version, masterKey, compression }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let key = try c.decode(Data.self, forKey: .masterKey)
        guard key.count == AESGCM.keySize else {
            throw DecodingError.dataCorruptedError(forKey: .masterKey, in: c, debugDescription: "not a 32-byte key")
        }
        masterKey = MasterKey(bytes: Array(key))
        compression = try c.decode(ObjectCompression.self, forKey: .compression)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(1, forKey: .version)
        try c.encode(Data(masterKey.bytes), forKey: .masterKey)
        try c.encode(compression, forKey: .compression)
    }
}
