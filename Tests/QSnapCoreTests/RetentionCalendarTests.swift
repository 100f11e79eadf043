import Foundation
import QSnapTestSupport
import Testing

@testable import QSnapCore

/// The UTC calendar arithmetic behind retention buckets and timestamps, checked against Foundation.
@Suite struct RetentionCalendarTests {
    static let calendar: Calendar = {
        var c = Calendar(identifier: .iso8601)
        c.timeZone = TimeZone(identifier: "UTC")!
        return c
    }()

    @Test func fieldsAndISOWeeksMatchFoundation() {
        var rng = SeededGenerator(state: 5)
        for _ in 0..<5000 {
            let date = Date(
                timeIntervalSince1970: Double(Int.random(in: -2_000_000_000..<4_000_000_000, using: &rng)) + 0.25)
            let ours = UTCCivilTime(date)
            let c = Self.calendar.dateComponents(
                [.year, .month, .day, .hour, .minute, .second, .weekday, .weekOfYear, .yearForWeekOfYear], from: date)
            #expect(ours.year == c.year && ours.month == c.month && ours.day == c.day)
            #expect(ours.hour == c.hour && ours.minute == c.minute && ours.second == c.second)
            #expect(ours.isoWeek.year == c.yearForWeekOfYear && ours.isoWeek.week == c.weekOfYear)
            #expect(ours.isoWeekday == (c.weekday! + 5) % 7 + 1)
            #expect(ours.fraction == 0.25)
        }
    }

    @Test func iso8601RoundTrips() {
        let text = "2026-11-21T20:05:09Z"
        let date = UTCCivilTime.parseISO8601(text)!
        #expect(date.timeIntervalSince1970 == 1_795_291_509)
        #expect(UTCCivilTime.iso8601(date) == text)
        #expect(UTCCivilTime.parseISO8601("2026-11-21T20:05:09.500Z")!.timeIntervalSince1970 == 1_795_291_509.5)
        for bad in ["2026-11-21T20:05:09", "2026-02-30T00:00:00Z", "2026-11-21T24:00:00Z", "x"] {
            #expect(UTCCivilTime.parseISO8601(bad) == nil, "\(bad)")
        }
    }

    @Test func leapYearsAndMonthLengths() {
        #expect(UTCCivilTime.daysInMonth(year: 2024, month: 2) == 29)
        #expect(UTCCivilTime.daysInMonth(year: 2100, month: 2) == 28)
        #expect(UTCCivilTime.daysInMonth(year: 2000, month: 2) == 29)
        #expect(UTCCivilTime.daysInMonth(year: 2026, month: 12) == 31)
    }
}
