import Testing

@testable import QSnapCore

/// RFC 3339 as protojson writes Timestamps.
@Suite struct CloudTimestampTests {
    @Test func parsesUTCAndOffsets() {
        let base = UTCCivilTime.parseISO8601("2026-01-02T03:04:05Z")!
        #expect(CloudTimestamp.parse("2026-01-02T03:04:05Z") == base)
        #expect(CloudTimestamp.parse("2026-01-02T03:04:05.5Z") == base.addingTimeInterval(0.5))
        #expect(
            abs(CloudTimestamp.parse("2026-01-02T03:04:05.123456789Z")!.timeIntervalSince(base) - 0.123456789) < 1e-6)
        #expect(CloudTimestamp.parse("2026-01-02T05:04:05+02:00") == base)
        #expect(CloudTimestamp.parse("2026-01-01T22:04:05.000-05:00") == base)
        for text in ["", "2026-01-02", "2026-01-02T03:04:05", "2026-01-02T03:04:05+2:00", "yesterday"] {
            #expect(CloudTimestamp.parse(text) == nil, "\(text)")
        }
    }
}
