import Foundation

/// A point in time broken down into UTC calendar fields, computed with pure integer arithmetic.
///
/// Retention buckets, keep-within cut-offs and the timestamps written in lock files and drill reports all use
/// UTC, independent of the machine's time zone or locale. The conversions follow the proleptic Gregorian
/// calendar (days-from-civil), so they are exact for any date a backup can carry.
public struct UTCCivilTime: Sendable, Hashable {
    /// The year, e.g. 2026.
    public var year: Int
    /// The month, 1…12.
    public var month: Int
    /// The day of the month, 1…31.
    public var day: Int
    /// The hour, 0…23.
    public var hour: Int
    /// The minute, 0…59.
    public var minute: Int
    /// The second, 0…59.
    public var second: Int
    /// The fraction of the second, 0 ≤ fraction < 1.
    public var fraction: Double

    /// Breaks `date` down into UTC calendar fields.
    public init(_ date: Date) {
        let t = date.timeIntervalSince1970
        let whole = t.rounded(.down)
        let seconds = Int(whole)
        let days = Self.floorDiv(seconds, 86_400)
        let secondOfDay = seconds - days * 86_400
        let civil = Self.civil(fromDays: days)
        year = civil.year
        month = civil.month
        day = civil.day
        hour = secondOfDay / 3600
        minute = (secondOfDay % 3600) / 60
        second = secondOfDay % 60
        fraction = t - whole
    }

    /// The days since 1970-01-01 of this calendar day.
    public var daysSinceEpoch: Int { Self.days(year: year, month: month, day: day) }

    /// The ISO 8601 weekday: Monday is 1, Sunday is 7.
    public var isoWeekday: Int { Self.floorMod(daysSinceEpoch + 3, 7) + 1 }

    /// The ISO 8601 week-numbering year and week (1…53): weeks start on Monday and week 1 holds the year's
    /// first Thursday, so 2026-12-31 can belong to week 1 of 2027.
    public var isoWeek: (year: Int, week: Int) {
        let thursday = daysSinceEpoch + (4 - isoWeekday)
        let civil = Self.civil(fromDays: thursday)
        let ordinal = thursday - Self.days(year: civil.year, month: 1, day: 1)
        return (civil.year, ordinal / 7 + 1)
    }

    /// The date `years`, `months` and `days` of calendar time and `hours` of wall time before `date`,
    /// normalised like Go's `time.AddDate` (restic's semantics): 31 March minus one month is 3 March
    /// (the non-existent 31 February rolls over), not 28 February.
    public static func subtracting(years: Int, months: Int, days: Int, hours: Int, from date: Date) -> Date {
        let c = UTCCivilTime(date)
        let monthIndex = (c.year - years) * 12 + (c.month - 1) - months
        let y = floorDiv(monthIndex, 12)
        let m = floorMod(monthIndex, 12) + 1
        let dayNumber = Self.days(year: y, month: m, day: 1) + (c.day - 1) - days
        let seconds = dayNumber * 86_400 + c.hour * 3600 + c.minute * 60 + c.second - hours * 3600
        return Date(timeIntervalSince1970: Double(seconds) + c.fraction)
    }

    /// `date` as ISO 8601 UTC text with whole seconds, e.g. `2026-11-21T20:00:00Z`; fractions are truncated.
    public static func iso8601(_ date: Date) -> String {
        let c = UTCCivilTime(date)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02dZ", c.year, c.month, c.day, c.hour, c.minute, c.second)
    }

    /// Parses ISO 8601 UTC text `YYYY-MM-DDTHH:MM:SS[.fff]Z` (the form ``iso8601(_:)`` writes), or `nil`.
    public static func parseISO8601(_ text: String) -> Date? {
        let u = Array(text.utf8)
        guard u.count >= 20, u.last == UInt8(ascii: "Z"), u[4] == UInt8(ascii: "-"), u[7] == UInt8(ascii: "-"),
            u[10] == UInt8(ascii: "T") || u[10] == UInt8(ascii: " "), u[13] == UInt8(ascii: ":"),
            u[16] == UInt8(ascii: ":")
        else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for i in range {
                guard u[i] >= 48, u[i] <= 57 else { return nil }
                value = value * 10 + Int(u[i] - 48)
            }
            return value
        }
        guard let y = number(0..<4), let mo = number(5..<7), let d = number(8..<10), let h = number(11..<13),
            let mi = number(14..<16), let s = number(17..<19), (1...12).contains(mo), d >= 1,
            d <= daysInMonth(year: y, month: mo), h < 24, mi < 60, s < 60
        else { return nil }
        var fraction = 0.0
        if u.count > 20 {
            guard u[19] == UInt8(ascii: "."), u.count > 21, let digits = number(20..<(u.count - 1)) else { return nil }
            fraction = Double(digits) / pow(10, Double(u.count - 21))
        }
        let seconds = days(year: y, month: mo, day: d) * 86_400 + h * 3600 + mi * 60 + s
        return Date(timeIntervalSince1970: Double(seconds) + fraction)
    }

    /// The number of days in `month` of `year`.
    public static func daysInMonth(year: Int, month: Int) -> Int {
        days(year: month == 12 ? year + 1 : year, month: month == 12 ? 1 : month + 1, day: 1)
            - days(year: year, month: month, day: 1)
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (month may be 1…12, day any integer).
    public static func days(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = floorDiv(y, 400)
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The proleptic Gregorian date of a day number since 1970-01-01.
    public static func civil(fromDays z0: Int) -> (year: Int, month: Int, day: Int) {
        let z = z0 + 719_468
        let era = floorDiv(z, 146_097)
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    static func floorDiv(_ a: Int, _ b: Int) -> Int { a >= 0 ? a / b : -((-a + b - 1) / b) }
    static func floorMod(_ a: Int, _ b: Int) -> Int { a - floorDiv(a, b) * b }
}
