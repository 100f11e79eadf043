import Foundation

/// Durations for the Qdrant Cloud commands: human text on the command line (`7d`, `168h`, `1d12h`, `90m`, `30s`,
/// `500ms`, `2w`, or a bare number of seconds) and protojson's `google.protobuf.Duration` form on the wire
/// (`"604800s"`, `"1.5s"`).
///
/// `m` means minutes (as in ``WallClockDuration``), not months: these durations time retention and waits.
public enum CloudDuration {
    private static let units: [(suffix: String, seconds: Double)] = [
        ("ms", 0.001), ("w", 604_800), ("d", 86_400), ("h", 3600), ("m", 60), ("s", 1),
    ]

    /// Parses human text into seconds: one or more `<number><unit>` parts (units `w`, `d`, `h`, `m`, `s`, `ms`;
    /// decimals allowed), or a bare number of seconds. Returns `nil` for malformed or negative text.
    public static func seconds(_ text: String) -> Double? {
        let t = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard !t.isEmpty else { return nil }
        if let bare = Double(t), t.first?.isNumber == true { return bare.isFinite ? bare : nil }
        var total = 0.0
        var rest = Substring(t)
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            guard !digits.isEmpty, let value = Double(digits) else { return nil }
            rest = rest.dropFirst(digits.count)
            guard let unit = units.first(where: { rest.hasPrefix($0.suffix) }) else { return nil }
            rest = rest.dropFirst(unit.suffix.count)
            total += value * unit.seconds
        }
        return total.isFinite ? total : nil
    }

    /// Whole seconds as protojson writes a `Duration`: `604800` → `"604800s"`.
    public static func protoJSON(seconds: Int64) -> String { "\(seconds)s" }

    /// Parses protojson's `Duration` text (`"604800s"`, `"1.500s"`, `"-2s"`) into seconds, or `nil`.
    public static func parseProtoJSON(_ text: String) -> Double? {
        guard text.hasSuffix("s"), text.count > 1 else { return nil }
        let number = text.dropLast()
        guard number.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "." || $0 == "-") }), let value = Double(number)
        else { return nil }
        return value
    }

    /// Short human text for whole seconds: `604800` → `7d`, `5400` → `1h30m`, `0` → `0s`.
    public static func format(seconds: Double) -> String {
        var rest = Int64(seconds.rounded())
        guard rest > 0 else { return "0s" }
        var out = ""
        for (unit, size) in [("d", Int64(86_400)), ("h", 3600), ("m", 60), ("s", 1)] where rest >= size {
            out += "\(rest / size)\(unit)"
            rest %= size
        }
        return out
    }
}
