import Foundation

/// Human-readable byte counts (binary units) and their parsing.
public enum ByteCount {
    private static let units = ["B", "KiB", "MiB", "GiB", "TiB", "PiB"]

    /// Formats `bytes` as e.g. `1.5 GiB` or `512 B`.
    public static func format(_ bytes: Int64) -> String {
        var value = Double(bytes)
        var unit = 0
        while abs(value) >= 1024, unit < units.count - 1 {
            value /= 1024
            unit += 1
        }
        return unit == 0 ? "\(bytes) B" : String(format: "%.1f %@", value, units[unit])
    }

    /// Parses `123`, `10MiB`, `1.5 GiB`, `2G` (binary multiples), `5GB` (decimal); `nil` when malformed.
    public static func parse(_ text: String) -> Int64? {
        let t = text.trimmingCharacters(in: .whitespaces)
        let digits = t.prefix { $0.isNumber || $0 == "." }
        guard let number = Double(digits), number >= 0 else { return nil }
        let suffix = t.dropFirst(digits.count).trimmingCharacters(in: .whitespaces).lowercased()
        let factors: [String: Double] = [
            "": 1, "b": 1, "k": 1024, "kib": 1024, "m": 1_048_576, "mib": 1_048_576, "g": 1_073_741_824,
            "gib": 1_073_741_824, "t": 1_099_511_627_776, "tib": 1_099_511_627_776, "kb": 1e3, "mb": 1e6, "gb": 1e9,
            "tb": 1e12,
        ]
        guard let f = factors[suffix] else { return nil }
        return Int64((number * f).rounded())
    }
}
