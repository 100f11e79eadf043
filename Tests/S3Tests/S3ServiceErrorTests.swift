import Testing

@testable import S3

@Suite struct S3ServiceErrorTests {
    static func error(_ status: Int, _ code: String) -> S3ServiceError {
        S3ServiceError.parse(
            status: status, body: Array("<Error><Code>\(code)</Code><Message>m</Message></Error>".utf8), requestID: "r")
    }

    @Test func retriableAnswers() {
        for (status, code) in [
            (500, "InternalError"), (503, "SlowDown"), (502, ""), (504, ""), (400, "RequestTimeout"),
        ] {
            #expect(Self.error(status, code).isRetriable, "\(status) \(code)")
        }
        #expect(Self.error(503, "SlowDown").isThrottling)
    }

    @Test func neverRetried() {
        for (status, code) in [
            (403, "SignatureDoesNotMatch"), (403, "InvalidAccessKeyId"), (403, "AccessDenied"), (400, "BadDigest"),
            (400, "InvalidPart"), (400, "InvalidPartOrder"), (400, "EntityTooSmall"), (404, "NoSuchBucket"),
            (404, "NoSuchUpload"),
        ] {
            #expect(!Self.error(status, code).isRetriable, "\(status) \(code)")
        }
        #expect(Self.error(403, "SignatureDoesNotMatch").isAuthentication)
    }

    @Test func clockSkewAndParsing() {
        let e = S3ServiceError.parse(
            status: 403,
            body: Array(
                "<Error><Code>RequestTimeTooSkewed</Code><ServerTime>2026-01-01T00:00:00Z</ServerTime></Error>".utf8),
            requestID: nil)
        #expect(e.isClockSkew)
        #expect(e.serverTime == "2026-01-01T00:00:00Z")
        #expect(S3ServiceError.parse(status: 404, body: [], requestID: nil).code == "")
    }
}
