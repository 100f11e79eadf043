/// A repository's compression setting: `none` or `zstd[:LEVEL]`.
public struct ObjectCompression: Sendable, Equatable, Codable, CustomStringConvertible {
    /// `none` or `zstd`.
    public var algorithm: String
    /// The zstd level (1…19).
    public var level: Int

    /// No compression.
    public static let none = ObjectCompression(algorithm: "none", level: 0)

    public init(algorithm: String, level: Int) {
        self.algorithm = algorithm
        self.level = level
    }

    /// Parses `none`, `zstd` (level 3) or `zstd:LEVEL`.
    /// - Throws: `usage("repo.compression")`.
    public init(parsing text: String) throws {
        let parts = text.lowercased().split(separator: ":", maxSplits: 1).map(String.init)
        switch parts.first {
        case "none" where parts.count == 1: self = .none
        case "zstd":
            let level = parts.count == 2 ? Int(parts[1]) : 3
            guard let level, (1...19).contains(level) else {
                throw QSnapError(
                    .repoCompression, "--compression zstd:LEVEL takes a level from 1 to 19, not '\(text)'")
            }
            self.init(algorithm: "zstd", level: level)
        default:
            throw QSnapError(
                .repoCompression, "unknown --compression '\(text)'; use none, zstd or zstd:LEVEL")
        }
    }

    /// The object header's compression.
    public var headerValue: EncryptedObjectHeader.Compression { algorithm == "zstd" ? .zstd : .none }

    public var description: String { algorithm == "zstd" ? "zstd:\(level)" : "none" }
}
