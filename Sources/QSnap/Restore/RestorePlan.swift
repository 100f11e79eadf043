import QSnapCore

/// The plan of a restore and the verdict of its gates: what `qsnap check` and `qsnap restore --dry-run` print.
public struct RestorePlan: Codable, Sendable {
    /// One collection to restore.
    public struct CollectionPlan: Codable, Sendable {
        /// The collection's name in the backup.
        public var source: String
        /// The base name (`--as`, else the source name).
        public var base: String
        /// The collection the restore creates (`<base>-qsnap-<backup id>`).
        public var staging: String
        /// The aliases switched to it: the main alias first, then the aliases recorded in the manifest.
        public var aliases: [String]
        /// Where each alias points now (absent: a new alias).
        public var currentTargets: [String: String]
        /// Staging collections of earlier interrupted restores that the restore removes first.
        public var stale: [String]
        /// Exact point count to expect.
        public var pointsCount: Int
        /// The objects and the node each is expected to go to (the final choice follows the target's placement).
        public var objects: [PlannedObject]
    }

    /// One object of the plan.
    public struct PlannedObject: Codable, Sendable {
        /// The object key in the repository.
        public var key: String
        /// Its size in bytes.
        public var size: Int64
        /// The shards it carries data for.
        public var shards: [Int]
        /// The source peer that made it.
        public var sourcePeer: UInt64?
        /// The target node URL expected to receive it.
        public var node: String
        /// Index of that node in ``RestorePlan/target``.
        public var nodeIndex: Int
        /// False when other objects already carry its shards and the target has fewer nodes than the source
        /// (replicas of the same shards): it is not sent.
        public var needed: Bool
    }

    /// The backup restored.
    public var backupID: String
    /// What the backup snapshotted.
    public var kind: BackupKind
    /// The source Qdrant version (manifest).
    public var sourceVersion: String
    /// The lowest Qdrant version across the target nodes.
    public var targetVersion: String
    /// The target node URLs.
    public var target: [String]
    /// How objects reach the nodes.
    public var transport: RestoreTransport
    /// Every collection to restore.
    public var collections: [CollectionPlan]
    /// The gates, in order: version, disk, ram, topology, alias.
    public var gates: [RestoreGateResult]
    /// `ok`, or `refused` when a gate refuses (exit status 3).
    public var verdict: String

    /// True when a gate refuses (exit status 3).
    public var refused: Bool { gates.contains { $0.refuses } }

    /// The refusal as an error naming every failed gate and its flag; its code names the first (`restore.gate-disk`).
    public var refusal: QSnapError? {
        let failed = gates.filter(\.refuses)
        guard let first = failed.first else { return nil }
        return QSnapError(
            first.gate.refusalCode,
            "restore of \(backupID) refused: "
                + failed.map { "\($0.gate.rawValue): \($0.detail) (override: \($0.gate.overrideFlag))" }
                .joined(separator: " | "))
    }
}
