import Foundation
import QSnapCore

/// What `qsnap forget` deleted (or, without `--yes`, would delete). Encoded as the `--json` output (snake_case
/// keys, like ``PruneReport``).
public struct ForgetReport: Sendable, Encodable {
    /// The repository (display form).
    public var repository: String
    /// False for a dry run (no `--yes`).
    public var executed: Bool
    /// The backups deleted (or to delete), oldest first.
    public var deleted: [PruneReport.DeletedBackup]
    /// Protections `--force` overrode (pinned, newest verified).
    public var forced: [ForgetGate.Refusal]

    enum CodingKeys: String, CodingKey { case repository, executed, deleted, forced }

    /// Human-readable lines.
    public func textLines() -> [String] {
        var lines: [String] = []
        let verb = executed ? "deleted" : "would delete"
        for r in forced { lines.append("--force: \(r.text)") }
        for d in deleted {
            lines.append(
                "\(verb) \(d.id): \(d.objects) object(s), \(ByteCount.format(d.bytes))"
                    + (d.resumed ? " (finished an interrupted deletion)" : ""))
        }
        if !executed { lines.append("dry run: nothing was deleted; run again with --yes to delete") }
        return lines
    }
}
