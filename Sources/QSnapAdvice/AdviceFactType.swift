import Foundation
import QSnapCore

/// The type of a fact: decides which literals a rule may compare it with, which operators apply and how the
/// value is printed.
public enum AdviceFactType: Hashable, Sendable, CustomStringConvertible {
    /// `true` or `false`.
    case bool
    /// A whole number (shard count, node count).
    case integer
    /// A size in bytes; literals accept units: `25MB`, `100GiB`, `1.5TB`, `4096`.
    case bytes
    /// A ratio such as disk headroom; literals accept `2`, `2x`, `1.5×`.
    case ratio
    /// A Qdrant version: `1.18`, `1.17.2`.
    case version
    /// Free text (collection names, URLs); only `equals`, `not_equals`, `in`, `not_in` apply.
    case text
    /// One of a fixed set of words.
    case choice([String])

    public var description: String {
        switch self {
        case .bool: return "bool"
        case .integer: return "integer"
        case .bytes: return "bytes"
        case .ratio: return "ratio"
        case .version: return "version"
        case .text: return "text"
        case .choice(let words): return "one of " + words.joined(separator: ", ")
        }
    }

    /// True when `gt`, `gte`, `lt` and `lte` apply.
    public var isOrdered: Bool {
        switch self {
        case .integer, .bytes, .ratio, .version: return true
        case .bool, .text, .choice: return false
        }
    }

    /// Parses a literal written in a rule file or on the command line; `nil` when it does not fit the type.
    public func parse(_ raw: String) -> AdviceValue? {
        let text = raw.trimmingCharacters(in: .whitespaces)
        switch self {
        case .bool:
            switch text.lowercased() {
            case "true", "yes", "on", "1": return .bool(true)
            case "false", "no", "off", "0": return .bool(false)
            default: return nil
            }
        case .integer:
            return Int(text).map { .number(Double($0)) }
        case .bytes:
            return AdviceFactType.parseBytes(text).map { .number($0) }
        case .ratio:
            var t = text
            if t.hasSuffix("x") || t.hasSuffix("×") { t.removeLast() }
            guard let n = Double(t), n.isFinite, n >= 0 else { return nil }
            return .number(n)
        case .version:
            return QdrantVersion(text).map { .version($0) }
        case .text:
            return text.isEmpty ? nil : .text(text)
        case .choice(let words):
            return words.contains(text) ? .text(text) : nil
        }
    }

    /// True when `value` is of this type.
    public func accepts(_ value: AdviceValue) -> Bool {
        switch (self, value) {
        case (.bool, .bool), (.version, .version): return true
        case (.integer, .number(let n)): return n.rounded() == n
        case (.bytes, .number(let n)), (.ratio, .number(let n)): return n >= 0
        case (.text, .text): return true
        case (.choice(let words), .text(let t)): return words.contains(t)
        default: return false
        }
    }

    /// The value for people: bytes with binary units, ratios with `×`.
    public func format(_ value: AdviceValue) -> String {
        switch (self, value) {
        case (.bytes, .number(let n)): return AdviceFactType.formatBytes(n)
        case (.ratio, .number(let n)): return String(format: "%.2f×", n)
        default: return value.description
        }
    }

    /// Parses `4096`, `25MB` (decimal), `25MiB` (binary), `1.5 TB`, `100G` (binary); `nil` when malformed.
    static func parseBytes(_ text: String) -> Double? {
        let t = text.replacingOccurrences(of: " ", with: "")
        let digits = t.prefix { $0.isNumber || $0 == "." }
        guard let n = Double(digits), n >= 0 else { return nil }
        let unit = t.dropFirst(digits.count).lowercased()
        let scale: Double
        switch unit {
        case "", "b": scale = 1
        case "kb": scale = 1e3
        case "mb": scale = 1e6
        case "gb": scale = 1e9
        case "tb": scale = 1e12
        case "k", "kib": scale = 1024
        case "m", "mib": scale = 1024 * 1024
        case "g", "gib": scale = 1024 * 1024 * 1024
        case "t", "tib": scale = 1024 * 1024 * 1024 * 1024
        default: return nil
        }
        return (n * scale).rounded()
    }

    /// `1.50 GiB`, `512 B`.
    static func formatBytes(_ n: Double) -> String {
        let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"]
        var v = n
        var i = 0
        while v >= 1024, i < units.count - 1 {
            v /= 1024
            i += 1
        }
        return i == 0 ? "\(Int64(n)) B" : String(format: "%.2f", v) + " " + units[i]
    }
}
