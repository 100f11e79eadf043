import Testing

@testable import QSnapCore

/// Human durations on the command line and protojson `Duration` text on the wire.
@Suite struct CloudDurationTests {
    @Test func parsesHumanText() {
        #expect(CloudDuration.seconds("7d") == 604_800)
        #expect(CloudDuration.seconds("168h") == 604_800)
        #expect(CloudDuration.seconds("1d12h") == 129_600)
        #expect(CloudDuration.seconds("90m") == 5400)
        #expect(CloudDuration.seconds("2w") == 1_209_600)
        #expect(CloudDuration.seconds("604800") == 604_800)
        #expect(CloudDuration.seconds("604800s") == 604_800)
        #expect(CloudDuration.seconds("500ms") == 0.5)
        #expect(CloudDuration.seconds("0.2s") == 0.2)
        #expect(CloudDuration.seconds(" 1H ") == 3600)
    }

    @Test func refusesMalformedText() {
        for text in ["", "d", "7x", "7d3", "-1d", "1d-2h", "abc", "1e3s", "nan"] {
            #expect(CloudDuration.seconds(text) == nil, "\(text)")
        }
    }

    @Test func protoJSONBothWays() {
        #expect(CloudDuration.protoJSON(seconds: 604_800) == "604800s")
        #expect(CloudDuration.parseProtoJSON("604800s") == 604_800)
        #expect(CloudDuration.parseProtoJSON("1.500s") == 1.5)
        #expect(CloudDuration.parseProtoJSON("-2s") == -2)
        #expect(CloudDuration.parseProtoJSON("7d") == nil)
        #expect(CloudDuration.parseProtoJSON("s") == nil)
        #expect(CloudDuration.parseProtoJSON("86400") == nil)
    }

    @Test func formatsShortText() {
        #expect(CloudDuration.format(seconds: 604_800) == "7d")
        #expect(CloudDuration.format(seconds: 5400) == "1h30m")
        #expect(CloudDuration.format(seconds: 90061) == "1d1h1m1s")
        #expect(CloudDuration.format(seconds: 0) == "0s")
    }
}
