import Testing

@testable import QSnapCore

/// The gateway's error body and its code ↔ HTTP status mapping (grpc-gateway `HTTPStatusFromCode`).
@Suite struct CloudRPCStatusTests {
    @Test func parsesTheErrorBody() {
        let s = CloudRPCStatus.parse(Array(#"{"code":7,"message":"permission denied","details":[]}"#.utf8))
        #expect(s?.rpcCode == .permissionDenied && s?.message == "permission denied" && s?.details == [])
        #expect(CloudRPCStatus.parse(Array(#"{"code":16}"#.utf8))?.rpcCode == .unauthenticated)
        #expect(CloudRPCStatus.parse(Array("<html>bad gateway</html>".utf8)) == nil)
        #expect(CloudRPCStatus.parse(Array(#"{"message":"no code"}"#.utf8)) == nil)
        #expect(CloudRPCStatus(code: 99, message: "").rpcCode == .unknown)
    }

    @Test func httpStatuses() {
        let table: [(CloudRPCCode, Int)] = [
            (.ok, 200), (.cancelled, 499), (.unknown, 500), (.invalidArgument, 400), (.deadlineExceeded, 504),
            (.notFound, 404), (.alreadyExists, 409), (.permissionDenied, 403), (.resourceExhausted, 429),
            (.failedPrecondition, 400), (.aborted, 409), (.outOfRange, 400), (.unimplemented, 501), (.internal, 500),
            (.unavailable, 503), (.dataLoss, 500), (.unauthenticated, 401),
        ]
        #expect(table.count == CloudRPCCode.allCases.count)
        for (code, status) in table { #expect(code.httpStatus == status, "\(code)") }
        #expect(CloudRPCCode.guess(httpStatus: 401) == .unauthenticated)
        #expect(CloudRPCCode.guess(httpStatus: 403) == .permissionDenied)
        #expect(CloudRPCCode.guess(httpStatus: 404) == .notFound)
        #expect(CloudRPCCode.guess(httpStatus: 502) == .internal)
        #expect(CloudRPCCode.permissionDenied.description == "PermissionDenied")
    }
}
