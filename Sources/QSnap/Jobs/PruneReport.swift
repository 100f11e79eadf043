import Foundation
import QSnapCore

/// What `qsnap prune` planned and did: the retention plan, the backups deleted, the interrupted backups cleaned
/// up and the server-side snapshots pruned. Encoded as the `--json` output (snake_case keys).
public struct PruneReport: Sendable, Encodable {
    /// One backup deleted (or, in a dry run, to delete).
    public struct DeletedBackup: Sendable, Encodable {
        /// The backup id.
        public var id: String
        /// Objects removed (snapshots, journal, verification record, manifest).
        public var objects: Int
        /// Bytes removed.
        public var bytes: Int64
        /// True when this finished a deletion an earlier, interrupted prune had started.
        public var resumed: Bool

        enum CodingKeys: String, CodingKey { case id, objects, bytes, resumed }
    }

    /// One backup folder without manifest: an interrupted (or running) backup, or debris.
    public struct InterruptedBackup: Sendable, Encodable {
        /// The backup id.
        public var id: String
        /// Seconds since the backup started (from its id).
        public var ageSeconds: Double
        /// Objects in the folder.
        public var objects: Int
        /// Bytes in the folder.
        public var bytes: Int64
        /// `deleted`, `would delete` (dry run) or `kept: within grace` (possibly still running).
        public var action: String
        /// Unfinished uploads discarded in the folder.
        public var abortedUploads: Int

        enum CodingKeys: String, CodingKey {
            case id, objects, bytes, action
            case ageSeconds = "age_seconds"
            case abortedUploads = "aborted_uploads"
        }
    }

    /// The repository (display form).
    public var repository: String
    /// False for a dry run.
    public var executed: Bool
    /// The retention plan (``RetentionPlan/json``).
    public var plan: JSONValue
    /// The plan as text lines (for humans).
    public var planText: [String]
    /// Backups deleted (or to delete, in a dry run), in deletion order.
    public var deleted: [DeletedBackup]
    /// Backup folders without manifest.
    public var interrupted: [InterruptedBackup]
    /// Server-side snapshot groups examined (empty without `--qdrant`).
    public var serverSnapshots: [ServerSnapshotPruner.Group]

    enum CodingKeys: String, CodingKey {
        case repository, executed, plan, deleted, interrupted
        case serverSnapshots = "server_snapshots"
    }

    /// Human-readable lines: the plan, then the deletions, interrupted backups and server snapshots.
    public func textLines() -> [String] {
        var lines = planText
        let verb = executed ? "deleted" : "would delete"
        for d in deleted {
            lines.append(
                "\(verb) \(d.id): \(d.objects) object(s), \(ByteCount.format(d.bytes))"
                    + (d.resumed ? " (finished an interrupted prune)" : ""))
        }
        for i in interrupted {
            lines.append(
                "interrupted backup \(i.id), \(WallClockDuration.format(i.ageSeconds)) old, \(i.objects) object(s): \(i.action)"
            )
        }
        for g in serverSnapshots {
            lines.append(
                "\(g.node) \(g.scope): \(g.kept.count) kept, \(g.forgotten.count) \(executed ? "deleted" : "to delete")"
                    + (g.undated.isEmpty ? "" : ", \(g.undated.count) without a creation time left alone"))
            for name in g.forgotten { lines.append("  \(executed ? "deleted" : "forget ") \(name)") }
        }
        if !executed { lines.append("dry run: nothing was deleted; run again with --yes to delete") }
        return lines
    }
}
