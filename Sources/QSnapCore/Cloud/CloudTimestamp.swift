import Foundation

/// RFC 3339 timestamps as protojson writes `google.protobuf.Timestamp`: `2026-01-02T03:04:05Z`, with 0–9
/// fractional digits; a numeric offset (`+02:00`) is accepted too.
public enum CloudTimestamp {
    /// The date, or `nil` when `text` is not RFC 3339.
    public static func parse(_ text: String) -> Date? {
        if text.hasSuffix("Z") || text.hasSuffix("z") {
            return UTCCivilTime.parseISO8601(String(text.dropLast()) + "Z")
        }
        let u = Array(text.utf8)
        guard u.count >= 25, u[u.count - 3] == UInt8(ascii: ":"),
            u[u.count - 6] == UInt8(ascii: "+") || u[u.count - 6] == UInt8(ascii: "-"),
            let hours = Int(String(decoding: u[(u.count - 5)..<(u.count - 3)], as: UTF8.self)),
            let minutes = Int(String(decoding: u[(u.count - 2)...], as: UTF8.self)), hours < 24, minutes < 60,
            let local = UTCCivilTime.parseISO8601(String(decoding: u[..<(u.count - 6)], as: UTF8.self) + "Z")
        else { return nil }
        let offset = Double(hours * 3600 + minutes * 60) * (u[u.count - 6] == UInt8(ascii: "+") ? 1 : -1)
        return local.addingTimeInterval(-offset)
    }
}
