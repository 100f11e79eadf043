import Foundation
import QSnapCore

/// One fact value the advice engine reasons about: a boolean, a number (counts, byte sizes and ratios are all
/// numbers), a Qdrant version or a text.
public enum AdviceValue: Hashable, Sendable, Codable, CustomStringConvertible {
    /// A yes/no fact.
    case bool(Bool)
    /// A count, a byte size or a ratio.
    case number(Double)
    /// A Qdrant release.
    case version(QdrantVersion)
    /// A name, a choice or a URL.
    case text(String)

    /// Three-way comparison for values of the same kind; `nil` when they cannot be ordered.
    public func compare(to other: AdviceValue) -> ComparisonResult? {
        switch (self, other) {
        case (.number(let a), .number(let b)):
            return a < b ? .orderedAscending : (a > b ? .orderedDescending : .orderedSame)
        case (.version(let a), .version(let b)):
            return a < b ? .orderedAscending : (a > b ? .orderedDescending : .orderedSame)
        case (.text(let a), .text(let b)):
            return a < b ? .orderedAscending : (a > b ? .orderedDescending : .orderedSame)
        case (.bool(let a), .bool(let b)):
            return a == b ? .orderedSame : (a ? .orderedDescending : .orderedAscending)
        default:
            return nil
        }
    }

    /// The value as written in a rule file or on the command line (no units).
    public var description: String {
        switch self {
        case .bool(let b): return b ? "true" : "false"
        case .number(let n): return AdviceValue.plain(n)
        case .version(let v): return v.description
        case .text(let t): return t
        }
    }

    /// A number without a trailing `.0` when it is whole.
    static func plain(_ n: Double) -> String {
        if n.rounded() == n, abs(n) < 1e15 { return String(Int64(n)) }
        return String(format: "%.4g", n)
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let b = try? c.decode(Bool.self) { self = .bool(b); return }
        if let n = try? c.decode(Double.self) { self = .number(n); return }
        let s = try c.decode(String.self)
        self = QdrantVersion(s).map { .version($0) } ?? .text(s)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .bool(let b): try c.encode(b)
        case .number(let n):
            if n.rounded() == n, abs(n) < 9.007_199_254_740_992e15 { try c.encode(Int64(n)) } else { try c.encode(n) }
        case .version(let v): try c.encode(v.description)
        case .text(let t): try c.encode(t)
        }
    }
}
