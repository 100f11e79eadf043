import Foundation

/// A calendar duration as restic writes it: `1y2m3d4h` — years, months, days and hours.
///
/// Units: `y` years, `m` **months**, `d` days, `h` hours; each at most once, in any order, e.g. `30d`, `1y6m`,
/// `2d12h`. Subtracting one from a date follows Go's `time.AddDate` (restic): calendar fields first, overflowing
/// days roll into the next month, then the hours.
public struct RetentionDuration: Sendable, Hashable, CustomStringConvertible {
    /// Whole years.
    public var years: Int
    /// Whole months.
    public var months: Int
    /// Whole days.
    public var days: Int
    /// Whole hours.
    public var hours: Int

    /// Creates a duration from its parts (each ≥ 0).
    public init(years: Int = 0, months: Int = 0, days: Int = 0, hours: Int = 0) {
        self.years = years
        self.months = months
        self.days = days
        self.hours = hours
    }

    /// Parses `1y2m3d4h`-style text, or returns `nil` when it is malformed or zero.
    public init?(_ text: String) {
        var parts: [Character: Int] = [:]
        var digits = ""
        for ch in text.trimmingCharacters(in: .whitespaces) {
            if ch.isASCII, ch.isNumber {
                digits.append(ch)
            } else if "ymdh".contains(ch), !digits.isEmpty, parts[ch] == nil, let n = Int(digits) {
                parts[ch] = n
                digits = ""
            } else {
                return nil
            }
        }
        guard digits.isEmpty, !parts.isEmpty else { return nil }
        self.init(years: parts["y"] ?? 0, months: parts["m"] ?? 0, days: parts["d"] ?? 0, hours: parts["h"] ?? 0)
        if isZero { return nil }
    }

    /// True when every part is zero.
    public var isZero: Bool { years == 0 && months == 0 && days == 0 && hours == 0 }

    /// The instant this duration before `date` (calendar arithmetic in UTC).
    public func before(_ date: Date) -> Date {
        UTCCivilTime.subtracting(years: years, months: months, days: days, hours: hours, from: date)
    }

    /// The canonical text, e.g. `1y6m`, `30d`.
    public var description: String {
        var s = ""
        if years != 0 { s += "\(years)y" }
        if months != 0 { s += "\(months)m" }
        if days != 0 { s += "\(days)d" }
        if hours != 0 { s += "\(hours)h" }
        return s.isEmpty ? "0h" : s
    }
}
