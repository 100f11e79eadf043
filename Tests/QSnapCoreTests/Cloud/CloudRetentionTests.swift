import Testing

@testable import QSnapCore

/// `--retention`: whole seconds from 1 day to 365 days, sent as `"<n>s"`.
@Suite struct CloudRetentionTests {
    @Test func acceptsTheRangeAndSendsSeconds() throws {
        #expect(try CloudRetention(parsing: "7d").protoJSON == "604800s")
        #expect(try CloudRetention(parsing: "168h").seconds == 604_800)
        #expect(try CloudRetention(parsing: "1d").seconds == CloudRetention.minimumSeconds)
        #expect(try CloudRetention(parsing: "365d").seconds == CloudRetention.maximumSeconds)
        #expect(try CloudRetention(parsing: "31536000s").description == "365d")
    }

    @Test func refusesOutOfRangeAndMalformed() {
        for text in ["23h", "86399", "366d", "31536001", "7 days", "", "0d"] {
            #expect(throws: QSnapError.self, "\(text)") { try CloudRetention(parsing: text) }
        }
        do {
            _ = try CloudRetention(parsing: "12h")
            Issue.record("12h accepted")
        } catch let error as QSnapError {
            #expect(error.code == .cloudRetention)
            #expect(error.message.contains("86400") && error.message.contains("31536000"))
        } catch {
            Issue.record("\(error)")
        }
    }

    @Test func refusesFractionsOfSeconds() {
        #expect(throws: QSnapError.self) { try CloudRetention(parsing: "86400.5s") }
    }
}
