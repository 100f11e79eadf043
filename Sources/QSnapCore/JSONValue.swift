import Foundation

/// Any JSON value, kept verbatim: collection configs, payloads and other server documents that qsnap records
/// without interpreting every field.
///
/// Integers are held exactly: Qdrant point ids are any `u64` and payload integers any `i64`, neither of which a
/// `Double` holds above 2^53. Parsing yields ``integer(_:)`` for a whole number that fits `Int64`,
/// ``unsigned(_:)`` for one above `Int64.max` that fits `UInt64`, and ``number(_:)`` otherwise. Equality and
/// hashing are numeric: `.number(5)` equals `.integer(5)`, so code may build values with any of the three.
public enum JSONValue: Hashable, Sendable, Codable, CustomStringConvertible {
    case null
    case bool(Bool)
    /// A number that is not an exact integer (or one built in code as a `Double`).
    case number(Double)
    /// A whole number that fits `Int64`, exactly.
    case integer(Int64)
    /// A whole number above `Int64.max` that fits `UInt64`, exactly.
    case unsigned(UInt64)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null; return }
        // Numbers first, with no failed attempt for the common case (a vector is mostly floats, and every failed
        // `decode` throws, which costs far more than the decode): any number decodes as a Double; a whole one that a
        // Double may have rounded (2^53 or more) is read again exactly.
        if let n = try? c.decode(Double.self) {
            if n.rounded() == n, abs(n) < 9.007_199_254_740_992e15 {
                self = .integer(Int64(n))
            } else if n.rounded() == n, let i = try? c.decode(Int64.self) {
                self = .integer(i)
            } else if n.rounded() == n, let u = try? c.decode(UInt64.self) {
                self = .unsigned(u)
            } else {
                self = .number(n)
            }
            return
        }
        if let s = try? c.decode(String.self) { self = .string(s); return }
        if let b = try? c.decode(Bool.self) { self = .bool(b); return }
        if let a = try? c.decode([JSONValue].self) { self = .array(a); return }
        if let o = try? c.decode([String: JSONValue].self) { self = .object(o); return }
        throw DecodingError.dataCorruptedError(in: c, debugDescription: "not a JSON value")
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let b): try c.encode(b)
        case .number(let n):
            if n.rounded() == n, abs(n) < 9.007_199_254_740_992e15 { try c.encode(Int64(n)) } else { try c.encode(n) }
        case .integer(let i): try c.encode(i)
        case .unsigned(let u): try c.encode(u)
        case .string(let s): try c.encode(s)
        case .array(let a): try c.encode(a)
        case .object(let o): try c.encode(o)
        }
    }

    /// Parses JSON bytes.
    public static func parse<Bytes: ContiguousBytes>(_ bytes: Bytes) throws -> JSONValue {
        let data = bytes.withUnsafeBytes { Data($0) }
        return try JSONDecoder().decode(JSONValue.self, from: data)
    }

    /// The member `key` of an object, or `nil`.
    public subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }

    /// The element at `index` of an array, or `nil`.
    public subscript(index: Int) -> JSONValue? {
        if case .array(let a) = self, a.indices.contains(index) { return a[index] }
        return nil
    }

    /// The string value, or `nil`.
    public var stringValue: String? { if case .string(let s) = self { return s }; return nil }
    /// The numeric value, or `nil`.
    public var doubleValue: Double? {
        switch self {
        case .number(let n): return n
        case .integer(let i): return Double(i)
        case .unsigned(let u): return Double(u)
        default: return nil
        }
    }
    /// The numeric value as an integer when it is whole and fits `Int`, or `nil`.
    public var intValue: Int? {
        switch self {
        case .number(let n): return n.rounded() == n && abs(n) < 9.2e18 ? Int(n) : nil
        case .integer(let i): return Int(exactly: i)
        case .unsigned(let u): return Int(exactly: u)
        default: return nil
        }
    }
    /// The numeric value as an unsigned 64-bit integer when it is whole and not negative (a Qdrant point id), or `nil`.
    public var uint64Value: UInt64? {
        switch self {
        case .number(let n): return n >= 0 && n.rounded() == n && n < 1.8e19 ? UInt64(exactly: n) : nil
        case .integer(let i): return UInt64(exactly: i)
        case .unsigned(let u): return u
        default: return nil
        }
    }
    /// True for a number of any of the three representations.
    public var isNumber: Bool { doubleValue != nil }
    /// The boolean value, or `nil`.
    public var boolValue: Bool? { if case .bool(let b) = self { return b }; return nil }
    /// The object members, or `nil`.
    public var objectValue: [String: JSONValue]? { if case .object(let o) = self { return o }; return nil }
    /// The array elements, or `nil`.
    public var arrayValue: [JSONValue]? { if case .array(let a) = self { return a }; return nil }
    /// True for `.null`.
    public var isNull: Bool { self == .null }

    /// Compact JSON text with sorted keys.
    public var description: String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? String(decoding: encoder.encode(self), as: UTF8.self)) ?? "null"
    }
}

extension JSONValue {
    /// A number's canonical form for equality and hashing: exact integers as themselves, a whole `Double` that an
    /// integer type holds exactly as that integer, anything else as the `Double`.
    private enum NumericKey: Hashable {
        case signed(Int64)
        case unsigned(UInt64)
        case double(Double)
    }

    private var numericKey: NumericKey? {
        switch self {
        case .integer(let i): return .signed(i)
        case .unsigned(let u): return Int64(exactly: u).map(NumericKey.signed) ?? .unsigned(u)
        case .number(let n):
            if let i = Int64(exactly: n) { return .signed(i) }
            if let u = UInt64(exactly: n) { return .unsigned(u) }
            return .double(n)
        default: return nil
        }
    }

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        switch (lhs, rhs) {
        case (.null, .null): return true
        case (.bool(let a), .bool(let b)): return a == b
        case (.string(let a), .string(let b)): return a == b
        case (.array(let a), .array(let b)): return a == b
        case (.object(let a), .object(let b)): return a == b
        default:
            guard let a = lhs.numericKey, let b = rhs.numericKey else { return false }
            return a == b
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .bool(let b): hasher.combine(1); hasher.combine(b)
        case .number, .integer, .unsigned: hasher.combine(2); hasher.combine(numericKey)
        case .string(let s): hasher.combine(3); hasher.combine(s)
        case .array(let a): hasher.combine(4); hasher.combine(a)
        case .object(let o): hasher.combine(5); hasher.combine(o)
        }
    }
}
