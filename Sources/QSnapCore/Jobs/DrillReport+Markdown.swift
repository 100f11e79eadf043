import Foundation

extension DrillReport {
    /// The report as a Markdown document: a summary table, the per-collection counts, the checks and the cleanup.
    public func markdown() -> String {
        var md = "# Disaster-recovery drill: \(passed ? "PASSED" : "FAILED")\n\n"
        md += "| | |\n|---|---|\n"
        md += "| Backup | `\(cell(backupID))` taken \(UTCCivilTime.iso8601(backupTime)) |\n"
        md += "| Source Qdrant version | \(cell(sourceVersion ?? "unknown")) |\n"
        md += "| Target | \(cell(target)) |\n"
        md += "| Started | \(UTCCivilTime.iso8601(started)) |\n"
        md += "| Finished | \(UTCCivilTime.iso8601(finished)) |\n"
        md += "| RTO (restore wall time) | \(Self.seconds(rtoSeconds)) |\n"
        md += "| RPO (backup age at drill start) | \(Self.seconds(rpoSeconds)) |\n"
        if let cloud = cloudBackup { md += cloudRow(cloud) }
        if let error { md += "| Error | \(cell(error)) |\n" }

        md += "\n## Collections\n\n"
        if collections.isEmpty {
            md += "No collection was restored.\n"
        } else {
            md += "| Collection | Scratch collection | Expected points | Restored points | Result |\n"
            md += "|---|---|---:|---:|---|\n"
            for c in collections {
                let restored = c.restoredPoints.map(String.init) ?? "—"
                md +=
                    "| \(cell(c.name)) | \(cell(c.scratchName)) | \(c.expectedPoints) | \(restored) | \(c.passed ? "ok" : "MISMATCH") |\n"
            }
        }

        md += "\n## Checks\n\n"
        if checks.isEmpty {
            md += "No check was run.\n"
        } else {
            md += "| Check | Result | Detail |\n|---|---|---|\n"
            for check in checks {
                md += "| \(cell(check.name)) | \(check.passed ? "passed" : "FAILED") | \(cell(check.detail)) |\n"
            }
        }

        md += "\n## Cleanup\n\n"
        md += "Status: **\(cleanup.status.rawValue)**. "
        md +=
            "Removed: \(cleanup.removed.isEmpty ? "none" : cleanup.removed.map { "`\(cell($0))`" }.joined(separator: ", ")). "
        md +=
            "Left over: \(cleanup.leftover.isEmpty ? "none" : cleanup.leftover.map { "`\(cell($0))`" }.joined(separator: ", ") + " — delete these by hand").\n"
        return md
    }

    /// The summary row of the Qdrant Cloud Backups RPO.
    private func cloudRow(_ cloud: CloudBackupRPO) -> String {
        guard let rpo = cloud.rpoSeconds, let id = cloud.backupID else {
            return "| Cloud Backups RPO | no SUCCEEDED backup of cluster `\(cell(cloud.clusterID))` |\n"
        }
        let created = cloud.createdAt.map(UTCCivilTime.iso8601) ?? "?"
        let name = cloud.displayName.map { " (\(cell($0)))" } ?? ""
        return "| Cloud Backups RPO (newest SUCCEEDED backup's age) | \(Self.seconds(rpo)): `\(cell(id))`\(name) "
            + "created \(created), cluster `\(cell(cloud.clusterID))` |\n"
    }

    /// A table cell: pipes escaped, line breaks flattened.
    private func cell(_ text: String) -> String {
        text.replacingAll("|", with: "\\|").replacingAll("\r", with: " ").replacingAll("\n", with: " ")
    }

    /// Seconds as `12.345 s`, with a human form for longer spans: `10920 s (3 h 2 min)`.
    static func seconds(_ value: Double) -> String {
        let text = String(format: "%.3f s", value)
        let whole = Int(value.rounded(.towardZero))
        guard abs(whole) >= 60 else { return text }
        let sign = whole < 0 ? "-" : ""
        let a = abs(whole)
        let human =
            a >= 86_400
            ? "\(a / 86_400) d \((a % 86_400) / 3600) h"
            : a >= 3600 ? "\(a / 3600) h \((a % 3600) / 60) min" : "\(a / 60) min \(a % 60) s"
        return "\(text) (\(sign)\(human))"
    }
}
