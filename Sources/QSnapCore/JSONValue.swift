import Foundation

/// Any JSON value, kept verbatim: collection configs, payloads and other server documents that qsnap records
/// without interpreting every field.
public enum JSONValue: Hashable, Sendable, Codable, CustomStringConvertible {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null; return }
        if let b = try? c.decode(Bool.self) { self = .bool(b); return }
        if let n = try? c.decode(Double.self) { self = .number(n); return }
        if let s = try? c.decode(String.self) { self = .string(s); return }
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
    public var doubleValue: Double? { if case .number(let n) = self { return n }; return nil }
    /// The numeric value as an integer when it is whole, or `nil`.
    public var intValue: Int? {
        if case .number(let n) = self, n.rounded() == n, abs(n) < 9.2e18 { return Int(n) }
        return nil
    }
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
