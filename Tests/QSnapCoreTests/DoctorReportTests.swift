import Foundation
import Testing

@testable import QSnapCore

@Suite struct DoctorReportTests {
    @Test func verdictFollowsTheWorstLine() throws {
        var report = DoctorReport(checks: [.init(scope: "source", check: "reachable", status: .pass, detail: "ok")])
        #expect(report.verdict == "ok" && !report.failed)
        report.checks.append(.init(scope: "source", check: "tls", status: .warn, detail: "plain http"))
        #expect(report.verdict == "warnings" && !report.failed)
        report.checks.append(.init(scope: "target", check: "auth", status: .fail, detail: "read-only"))
        #expect(report.verdict == "failed" && report.failed)
        #expect(report.text.contains("FAIL  target  auth       read-only"))
        #expect(report.text.hasSuffix("doctor: failed (1 PASS, 1 WARN, 1 FAIL)\n"))
        let json = try JSONSerialization.jsonObject(with: JSONEncoder().encode(report)) as! [String: Any]
        #expect(json["verdict"] as? String == "failed")
        #expect((json["checks"] as? [Any])?.count == 3)
    }
}
