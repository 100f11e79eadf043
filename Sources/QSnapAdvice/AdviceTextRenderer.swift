import QSnapCore

/// Renders an ``AdviceReport`` for people: per domain the recommendation, why, conflicts, exclusions, the
/// constraints table, the comparison rows, next commands, warnings and tips; with `explain`, the full rule trail.
public enum AdviceTextRenderer {
    /// The report as text.
    public static func render(_ report: AdviceReport, explain: Bool = false) -> String {
        var out: [String] = []
        for domain in report.domains where domain.applicable || explain {
            if !out.isEmpty { out.append("") }
            out += renderDomain(domain, explain: explain)
        }
        out.append("")
        out.append("Status: \(report.status)")
        return out.joined(separator: "\n") + "\n"
    }

    private static func renderDomain(_ d: AdviceReport.Domain, explain: Bool) -> [String] {
        var out: [String] = []
        guard d.applicable else {
            out.append("== \(d.title): not applicable (\(d.undecidedReason ?? ""))")
            return out
        }
        if let r = d.recommendation {
            out.append("== \(d.title): \(r.title)")
            if !r.summary.isEmpty { out.append("   \(r.summary)") }
        } else {
            out.append("== \(d.title): no recommendation")
            out.append("   \(d.undecidedReason ?? "")")
        }
        if !d.because.isEmpty {
            out.append("Why:")
            out += d.because.map { "  - \($0.text) [\($0.rule)]" }
        }
        if !d.findings.isEmpty {
            out.append("Findings:")
            out += d.findings.map { "  - \($0.name): \($0.value) [\($0.rule)]" }
        }
        if !d.conflicts.isEmpty {
            out.append("Conflicts resolved:")
            out += d.conflicts.map { "  - \($0.rule) wanted \($0.method): \($0.resolution)" }
        }
        if !d.excluded.isEmpty {
            out.append("Ruled out:")
            out += d.excluded.map { "  - \($0.method): \($0.because) [\($0.rule)]" }
        }
        if !d.constraints.isEmpty {
            out.append("Constraints:")
            let rows = d.constraints.map { c -> [String] in
                let figures = c.figures.map { "\($0.fact) \($0.value)" }.joined(separator: ", ")
                return [c.label, c.required, c.actual, statusWord(c), figures]
            }
            out += table(["CHECK", "REQUIRED", "ACTUAL", "STATUS", "FIGURES"], rows).map { "  " + $0 }
        }
        if !d.properties.isEmpty {
            out.append("Comparison:")
            let width = d.properties.map(\.name.count).max() ?? 0
            out += d.properties.map { "  " + pad($0.name.replacingUnderscores, width) + "  " + $0.value }
        }
        if !d.nextSteps.isEmpty {
            out.append("Next:")
            out += d.nextSteps.map { $0.kind == "command" ? "  $ \($0.text)" : "  - \($0.text)" }
        }
        if !d.warnings.isEmpty {
            out.append("Warnings:")
            out += d.warnings.map { "  ! \($0.text)" }
        }
        if !d.tips.isEmpty {
            out.append("Tips:")
            out += d.tips.map { "  * \($0.text)" }
        }
        if explain {
            out.append("Rule trail (\(d.trail.count) rules, by priority):")
            for t in d.trail {
                let mark = t.fired ? "FIRED" : (t.outcome == .unknown ? "unknown" : "no")
                out.append("  [\(mark)] \(t.rule) (priority \(t.priority), line \(t.line), \(t.phase)) → \(t.effect)")
                out.append("          \(t.why)")
            }
        }
        return out
    }

    private static func statusWord(_ c: AdviceReport.ConstraintCheck) -> String {
        switch c.status {
        case "pass": return "ok"
        case "fail": return c.severity == "block" ? "FAIL" : "warn"
        default: return "unknown"
        }
    }

    private static func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : s + String(repeating: " ", count: width - s.count)
    }

    private static func table(_ header: [String], _ rows: [[String]]) -> [String] {
        let all = [header] + rows
        let widths = header.indices.map { i in all.map { $0[i].count }.max() ?? 0 }
        return all.map { row in
            row.indices.map { i in i == row.count - 1 ? row[i] : pad(row[i], widths[i]) }
                .joined(separator: "  ").trimmingTrailingSpaces
        }
    }
}

extension String {
    fileprivate var replacingUnderscores: String { String(map { $0 == "_" ? " " : $0 }) }
    fileprivate var trimmingTrailingSpaces: String {
        var s = self
        while s.last == " " { s.removeLast() }
        return s
    }
}
