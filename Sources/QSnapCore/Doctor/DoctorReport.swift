/// The checklist `qsnap doctor` prints: one line per check with PASS, WARN or FAIL and the figure behind it.
public struct DoctorReport: Codable, Sendable, Equatable {
    /// A check's outcome.
    public enum Status: String, Codable, Sendable, Comparable {
        case pass = "PASS"
        case warn = "WARN"
        case fail = "FAIL"

        private var rank: Int { self == .pass ? 0 : self == .warn ? 1 : 2 }
        public static func < (a: Status, b: Status) -> Bool { a.rank < b.rank }
    }

    /// One line of the checklist.
    public struct Check: Codable, Sendable, Equatable {
        /// `source`, `target`, `source→target` or `repository`.
        public var scope: String
        /// What was checked (`reachable`, `tls`, `auth`, `nodes`, `health`, `versions`, `disk`, `ram`, `put/get/list/delete`,
        /// `multipart`, `clock`).
        public var check: String
        public var status: Status
        /// The figure behind it, or what to do.
        public var detail: String

        public init(scope: String, check: String, status: Status, detail: String) {
            self.scope = scope
            self.check = check
            self.status = status
            self.detail = detail
        }
    }

    public var schemaVersion = 1
    public var checks: [Check] = []

    public init(checks: [Check] = []) { self.checks = checks }

    private enum CodingKeys: String, CodingKey { case schemaVersion, checks, verdict }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        schemaVersion = try c.decode(Int.self, forKey: .schemaVersion)
        checks = try c.decode([Check].self, forKey: .checks)
    }

    /// `{schemaVersion, checks[{scope, check, status, detail}], verdict}`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(schemaVersion, forKey: .schemaVersion)
        try c.encode(checks, forKey: .checks)
        try c.encode(verdict, forKey: .verdict)
    }

    /// `ok`, `warnings` or `failed`.
    public var verdict: String {
        let worst = checks.map(\.status).max() ?? .pass
        return worst == .fail ? "failed" : worst == .warn ? "warnings" : "ok"
    }

    /// True when a check failed (exit status 3).
    public var failed: Bool { checks.contains { $0.status == .fail } }

    /// The checklist as text, one aligned line per check.
    public var text: String {
        let scopeWidth = checks.map(\.scope.count).max() ?? 0
        let checkWidth = checks.map(\.check.count).max() ?? 0
        var lines = checks.map { c in
            c.status.rawValue + "  " + c.scope.padding(toLength: scopeWidth, withPad: " ", startingAt: 0) + "  "
                + c.check.padding(toLength: checkWidth, withPad: " ", startingAt: 0) + "  " + c.detail
        }
        let counts = [DoctorReport.Status.pass, .warn, .fail].map { s in
            "\(checks.filter { $0.status == s }.count) \(s.rawValue)"
        }
        lines.append("doctor: \(verdict) (\(counts.joined(separator: ", ")))")
        return lines.joined(separator: "\n") + "\n"
    }
}
