import Foundation

/// Renders and reads the Prometheus text exposition format for node_exporter's textfile collector.
///
/// Metrics, each labelled `job="NAME"`: `qsnap_last_success_timestamp_seconds`, `qsnap_last_run_duration_seconds`,
/// `qsnap_last_run_bytes`, `qsnap_last_run_objects`, `qsnap_run_failures_total` (counter), `qsnap_last_run_success`
/// (1 or 0). A run reads the previous file with ``parse(_:)``, updates its job with ``JobMetrics/recording(_:)``
/// and writes ``render(_:)`` to a temporary name renamed over the file, so the last success time and the failure
/// counter carry forward and other jobs sharing the file keep their series.
public enum PrometheusTextfile {
    /// One metric family: name, type and help.
    struct Family: Sendable {
        let name: String
        let type: String
        let help: String
        let value: @Sendable (JobMetrics) -> Double?
        let assign: @Sendable (inout JobMetrics, Double) -> Void
    }

    static let families: [Family] = [
        Family(
            name: "qsnap_last_success_timestamp_seconds", type: "gauge",
            help: "Unix time of the job's last successful run.",
            value: { $0.lastSuccessTimestamp }, assign: { $0.lastSuccessTimestamp = $1 }),
        Family(
            name: "qsnap_last_run_duration_seconds", type: "gauge", help: "Wall time of the job's last run.",
            value: { $0.lastRunDurationSeconds }, assign: { $0.lastRunDurationSeconds = $1 }),
        Family(
            name: "qsnap_last_run_bytes", type: "gauge", help: "Bytes written to the repository by the job's last run.",
            value: { $0.lastRunBytes.map(Double.init) }, assign: { $0.lastRunBytes = Int64(exactly: $1.rounded()) }),
        Family(
            name: "qsnap_last_run_objects", type: "gauge",
            help: "Objects written to the repository by the job's last run.",
            value: { $0.lastRunObjects.map(Double.init) }, assign: { $0.lastRunObjects = Int64(exactly: $1.rounded()) }),
        Family(
            name: "qsnap_run_failures_total", type: "counter", help: "Failed runs of the job.",
            value: { Double($0.failuresTotal) }, assign: { $0.failuresTotal = Int64(exactly: $1.rounded()) ?? 0 }),
        Family(
            name: "qsnap_last_run_success", type: "gauge", help: "1 if the job's last run succeeded, 0 if it failed.",
            value: { $0.lastRunSuccess.map { $0 ? 1 : 0 } }, assign: { $0.lastRunSuccess = $1 != 0 }),
    ]

    /// Renders every job's metrics (jobs sorted by name) with `# HELP` and `# TYPE` lines; a family without any
    /// value is left out.
    public static func render(_ metrics: [JobMetrics]) -> String {
        let jobs = metrics.sorted { $0.job < $1.job }
        var out = ""
        for family in families {
            let samples = jobs.compactMap { m in family.value(m).map { (m.job, $0) } }
            guard !samples.isEmpty else { continue }
            out += "# HELP \(family.name) \(escapeHelp(family.help))\n"
            out += "# TYPE \(family.name) \(family.type)\n"
            for (job, value) in samples {
                out += "\(family.name){job=\"\(escapeLabel(job))\"} \(format(value))\n"
            }
        }
        return out
    }

    /// Reads the qsnap series of a textfile back, keyed by job. Comments, blank lines and other metrics are
    /// skipped.
    ///
    /// - Throws: `QSnapError` `.metricsTextfile` naming the line of a malformed qsnap sample; the
    ///   caller may then start afresh (losing only the carried counters) after warning.
    public static func parse(_ text: String) throws -> [String: JobMetrics] {
        var result: [String: JobMetrics] = [:]
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty, !line.hasPrefix("#") else { continue }
            func fail(_ why: String) -> QSnapError {
                QSnapError(
                    .metricsTextfile,
                    "metrics textfile line \(index + 1): \(why); delete the file to start afresh")
            }
            let nameEnd = line.firstIndex { $0 == "{" || $0 == " " } ?? line.endIndex
            let name = String(line[..<nameEnd])
            guard let family = families.first(where: { $0.name == name }) else { continue }
            var rest = line[nameEnd...]
            var labels: [String: String] = [:]
            if rest.first == "{" {
                guard let parsed = parseLabels(&rest) else { throw fail("malformed labels") }
                labels = parsed
            }
            let fields = rest.split(separator: " ", omittingEmptySubsequences: true)
            guard let first = fields.first, fields.count <= 2, let value = parseValue(String(first)) else {
                throw fail("malformed value")
            }
            guard let job = labels["job"] else { throw fail("\(name) has no job label") }
            var metrics = result[job] ?? JobMetrics(job: job)
            family.assign(&metrics, value)
            result[job] = metrics
        }
        return result
    }

    /// Escapes a label value: backslash, double quote and line feed.
    public static func escapeLabel(_ value: String) -> String {
        var out = ""
        for ch in value {
            switch ch {
            case "\\": out += "\\\\"
            case "\"": out += "\\\""
            case "\n": out += "\\n"
            default: out.append(ch)
            }
        }
        return out
    }

    /// Escapes HELP text: backslash and line feed.
    static func escapeHelp(_ text: String) -> String {
        text.replacingAll("\\", with: "\\\\").replacingAll("\n", with: "\\n")
    }

    /// A sample value: integers without a fraction, `NaN`, `+Inf`, `-Inf`, otherwise the shortest exact form.
    static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "+Inf" : "-Inf" }
        if value == value.rounded(), abs(value) < 9.007_199_254_740_992e15 { return String(Int64(value)) }
        return "\(value)"
    }

    static func parseValue(_ text: String) -> Double? {
        switch text {
        case "NaN": return .nan
        case "+Inf", "Inf": return .infinity
        case "-Inf": return -.infinity
        default: return Double(text)
        }
    }

    /// Parses `{a="x",b="y"}` at the start of `rest`, advancing past it.
    static func parseLabels(_ rest: inout Substring) -> [String: String]? {
        guard rest.first == "{" else { return nil }
        rest = rest.dropFirst()
        var labels: [String: String] = [:]
        while true {
            rest = rest.drop { $0 == " " }
            if rest.first == "}" { rest = rest.dropFirst(); return labels }
            guard let eq = rest.firstIndex(of: "=") else { return nil }
            let name = rest[..<eq].trimmingCharacters(in: .whitespaces)
            guard !name.isEmpty else { return nil }
            rest = rest[rest.index(after: eq)...].drop { $0 == " " }
            guard rest.first == "\"" else { return nil }
            rest = rest.dropFirst()
            var value = ""
            var closed = false
            while let ch = rest.first {
                rest = rest.dropFirst()
                if ch == "\"" { closed = true; break }
                if ch == "\\" {
                    guard let next = rest.first else { return nil }
                    rest = rest.dropFirst()
                    switch next {
                    case "n": value.append("\n")
                    case "\\": value.append("\\")
                    case "\"": value.append("\"")
                    default: value.append("\\"); value.append(next)
                    }
                } else {
                    value.append(ch)
                }
            }
            guard closed else { return nil }
            labels[name] = value
            rest = rest.drop { $0 == " " }
            if rest.first == "," { rest = rest.dropFirst() }
        }
    }
}
