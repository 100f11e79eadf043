import Testing

@testable import QSnapCore

/// `--schedule`: the pattern `BackupSchedule.schedule` carries, with Go's unanchored matching.
@Suite struct CloudScheduleExpressionTests {
    @Test func acceptsCronDescriptorsAndEvery() {
        for text in [
            "0 3 * * *", "*/30 * * * *", "0 0 1,15 * *", "0 0 * * 1-5", "0 0 3 * * * 2026", "@daily", "@weekly",
            "@every 6h", "@every 1h30m",
        ] {
            #expect(CloudScheduleExpression.isValid(text), "\(text)")
        }
    }

    @Test func refusesOthers() {
        for text in ["", "daily", "0 3 * *", "every 6h", "@every", "@fortnightly", "0 3 * * MON"] {
            #expect(!CloudScheduleExpression.isValid(text), "\(text)")
        }
        #expect(throws: QSnapError.self) { try CloudScheduleExpression.validate("daily") }
    }
}
