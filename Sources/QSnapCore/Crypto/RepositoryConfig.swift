import Foundation

/// `qsnap-repository.json`: what is needed to open a repository, and nothing more.
///
/// Plain: `{"format":"qsnap","formatVersion":1}`. Encrypted:
/// `{"format":"qsnap","formatVersion":2,"encryption":{"algorithm":"aes-256-gcm","chunkSize":1048576,"keys":"keys/"}}`.
/// The compression setting and the master key live inside the wrapped key files.
public struct RepositoryConfig: Codable, Sendable, Equatable {
    /// How objects are encrypted.
    public struct Encryption: Codable, Sendable, Equatable {
        /// `aes-256-gcm`.
        public var algorithm: String
        /// Plaintext bytes per chunk.
        public var chunkSize: Int
        /// The folder of the wrapped key files.
        public var keys: String

        public init(
            algorithm: String = "aes-256-gcm", chunkSize: Int = ObjectEncryptor.defaultChunkSize, keys: String = "keys/"
        ) {
            self.algorithm = algorithm
            self.chunkSize = chunkSize
            self.keys = keys
        }
    }

    public var format: String
    public var formatVersion: Int
    public var encryption: Encryption?

    /// A plain repository's marker.
    public static let plain = RepositoryConfig(format: "qsnap", formatVersion: 1, encryption: nil)

    /// An encrypted repository's config.
    public static func encrypted() -> RepositoryConfig {
        RepositoryConfig(format: "qsnap", formatVersion: 2, encryption: Encryption())
    }

    public init(format: String, formatVersion: Int, encryption: Encryption?) {
        self.format = format
        self.formatVersion = formatVersion
        self.encryption = encryption
    }

    /// Parses the config object.
    /// - Throws: `refused("repo.config")` for something that is not a config this qsnap can open.
    public init(parsing bytes: [UInt8], location: String) throws {
        let decoded: RepositoryConfig
        do {
            decoded = try JSONDecoder().decode(RepositoryConfig.self, from: Data(bytes))
        } catch {
            throw QSnapError(.repoConfig, "\(location) is not a qsnap repository config: \(error)")
        }
        guard decoded.format == "qsnap", (1...2).contains(decoded.formatVersion) else {
            throw QSnapError(
                .repoConfig,
                "\(location) has format \(decoded.format) version \(decoded.formatVersion), which this qsnap cannot open; upgrade qsnap"
            )
        }
        if let e = decoded.encryption {
            guard e.algorithm == "aes-256-gcm", (4096...(16 << 20)).contains(e.chunkSize), !e.keys.isEmpty,
                !e.keys.hasPrefix("/"), !e.keys.contains("..")
            else {
                throw QSnapError(
                    .repoConfig,
                    "\(location) names an encryption this qsnap does not support (\(e.algorithm), chunk size \(e.chunkSize))"
                )
            }
        }
        self = decoded
    }

    /// The encoded JSON.
    public var bytes: [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Array((try? encoder.encode(self)) ?? Data())
    }
}
