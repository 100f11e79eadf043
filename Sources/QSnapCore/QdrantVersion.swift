import Foundation

/// A Qdrant release version such as `1.19.0`, and the restore compatibility rule qsnap enforces.
public struct QdrantVersion: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    /// Major, minor and patch numbers.
    public var major: Int, minor: Int, patch: Int

    /// Creates a version.
    public init(major: Int, minor: Int, patch: Int) {
        self.major = major
        self.minor = minor
        self.patch = patch
    }

    /// Parses `1.19.0`, `v1.19`, `1.19.0-rc1` (the pre-release suffix is ignored); `nil` when malformed.
    public init?(_ text: String) {
        var t = Substring(text.trimmingCharacters(in: .whitespaces))
        if t.hasPrefix("v") { t = t.dropFirst() }
        if let dash = t.firstIndex(where: { $0 == "-" || $0 == "+" }) { t = t[..<dash] }
        let parts = t.split(separator: ".", omittingEmptySubsequences: false)
        guard (2...3).contains(parts.count) else { return nil }
        let nums = parts.map { Int($0) }
        guard nums.allSatisfy({ $0 != nil && $0! >= 0 }) else { return nil }
        self.init(major: nums[0]!, minor: nums[1]!, patch: parts.count == 3 ? nums[2]! : 0)
    }

    public var description: String { "\(major).\(minor).\(patch)" }

    public static func < (a: QdrantVersion, b: QdrantVersion) -> Bool {
        (a.major, a.minor, a.patch) < (b.major, b.minor, b.patch)
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let v = QdrantVersion(text) else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "not a version: \(text)"))
        }
        self = v
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(description)
    }
}
