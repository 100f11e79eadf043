import QSnapCore

/// A UTC instant in whole seconds, formatted the way SigV4 and HTTP need it. Pure arithmetic, no locale.
public struct AmzDate: Sendable, Hashable, Comparable {
    /// Seconds since 1970-01-01T00:00:00Z.
    public var secondsSince1970: Int64

    /// Creates an instant from Unix seconds.
    public init(secondsSince1970: Int64) { self.secondsSince1970 = secondsSince1970 }

    public static func < (a: AmzDate, b: AmzDate) -> Bool { a.secondsSince1970 < b.secondsSince1970 }

    private struct Civil { var year: Int64, month: Int64, day: Int64, hour: Int64, minute: Int64, second: Int64 }

    private var civil: Civil {
        let days = secondsSince1970 >= 0 ? secondsSince1970 / 86400 : (secondsSince1970 - 86399) / 86400
        let rem = secondsSince1970 - days * 86400
        let (y, m, d) = UTCCivilTime.civil(fromDays: Int(days))
        return Civil(
            year: Int64(y), month: Int64(m), day: Int64(d), hour: rem / 3600, minute: rem % 3600 / 60, second: rem % 60)
    }

    private static func daysFromCivil(_ y: Int64, _ m: Int64, _ d: Int64) -> Int64 {
        Int64(UTCCivilTime.days(year: Int(y), month: Int(m), day: Int(d)))
    }

    private static func pad(_ v: Int64, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    /// `YYYYMMDDTHHMMSSZ`, the `x-amz-date` form.
    public var amzDate: String {
        let c = civil
        return AmzDate.pad(c.year, 4) + AmzDate.pad(c.month, 2) + AmzDate.pad(c.day, 2) + "T" + AmzDate.pad(c.hour, 2)
            + AmzDate.pad(c.minute, 2) + AmzDate.pad(c.second, 2) + "Z"
    }

    /// `YYYYMMDD`, the date of the credential scope.
    public var dateStamp: String { String(amzDate.prefix(8)) }

    /// ISO 8601 `YYYY-MM-DDTHH:MM:SSZ`.
    public var iso8601: String {
        let c = civil
        return AmzDate.pad(c.year, 4) + "-" + AmzDate.pad(c.month, 2) + "-" + AmzDate.pad(c.day, 2) + "T"
            + AmzDate.pad(c.hour, 2) + ":" + AmzDate.pad(c.minute, 2) + ":" + AmzDate.pad(c.second, 2) + "Z"
    }

    /// Parses ISO 8601 `YYYY-MM-DDTHH:MM:SS[.fff]Z` (as in S3 XML) or the compact `YYYYMMDDTHHMMSSZ`; `nil` if malformed.
    public init?(iso8601 text: String) {
        let digits = text.utf8.filter { $0 >= 48 && $0 <= 57 }.map { Int64($0 - 48) }
        guard digits.count >= 14, text.hasSuffix("Z") else { return nil }
        func num(_ from: Int, _ count: Int) -> Int64 { digits[from..<from + count].reduce(0) { $0 * 10 + $1 } }
        let (y, mo, d, h, mi, s) = (num(0, 4), num(4, 2), num(6, 2), num(8, 2), num(10, 2), num(12, 2))
        guard (1...12).contains(mo), (1...31).contains(d), h < 24, mi < 60, s < 61 else { return nil }
        secondsSince1970 = AmzDate.daysFromCivil(y, mo, d) * 86400 + h * 3600 + mi * 60 + s
    }

    private static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    /// Parses an HTTP date (`Fri, 24 May 2013 00:00:00 GMT`, RFC 7231 IMF-fixdate); `nil` if malformed.
    public init?(httpDate text: String) {
        let parts = text.split(separator: " ")
        guard parts.count >= 5, let d = Int64(parts[1]), let y = Int64(parts[3]),
            let monthIndex = AmzDate.months.firstIndex(of: parts[2].lowercased())
        else { return nil }
        let hms = parts[4].split(separator: ":").compactMap { Int64($0) }
        guard hms.count == 3 else { return nil }
        secondsSince1970 =
            AmzDate.daysFromCivil(y, Int64(monthIndex + 1), d) * 86400 + hms[0] * 3600 + hms[1] * 60 + hms[2]
    }

    /// The IMF-fixdate form `Fri, 24 May 2013 00:00:00 GMT`.
    public var httpDate: String {
        let c = civil
        let days = secondsSince1970 >= 0 ? secondsSince1970 / 86400 : (secondsSince1970 - 86399) / 86400
        let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][Int(((days % 7) + 7) % 7)]
        let month = AmzDate.months[Int(c.month - 1)].capitalized
        return "\(weekday), \(AmzDate.pad(c.day, 2)) \(month) \(AmzDate.pad(c.year, 4)) "
            + "\(AmzDate.pad(c.hour, 2)):\(AmzDate.pad(c.minute, 2)):\(AmzDate.pad(c.second, 2)) GMT"
    }
}

extension String {
    fileprivate var capitalized: String { prefix(1).uppercased() + dropFirst() }
}
