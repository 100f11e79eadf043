import QSnapCore

/// How `qsnap backup` runs.
public struct BackupOptions: Sendable {
    public var kind: BackupKind
    /// Collections to back up; `nil` for all.
    public var collections: [String]?
    /// Objects transferred at once (across nodes and shards).
    public var parallel: Int
    /// Keep the server-side snapshots after a verified upload.
    public var keepServerSnapshots: Bool
    /// Seconds to wait for a snapshot to be created.
    public var snapshotTimeout: Double
    /// Seconds between polls of a running snapshot creation.
    public var pollInterval: Double
    /// Resume an interrupted backup of the same source when one exists.
    public var resume: Bool
    /// Download attempts per object (transport errors and corrupt downloads are retried).
    public var attemptsPerObject: Int
    /// Seconds a resumed run waits for a snapshot its interrupted predecessor requested.
    public var adoptTimeout: Double = 15
    /// Seconds with no new snapshot listed and no creation running before a wait for a snapshot gives up.
    public var vanishGrace: Double = 30
    /// Tags recorded in the manifest (`--tag`; validated by ``BackupLabels/validate(tag:)``).
    public var tags: [String] = []
    /// Whether snapshots the nodes wrote to S3 themselves are copied into the repository server-side.
    public var serverSide: ServerSideMode = .auto
    /// Where the nodes write their snapshots when they store them on S3.
    public var nodeSnapshotStore = NodeSnapshotStore()
    /// Server-side copies up to this size are one CopyObject; larger ones UploadPartCopy parts of it (≤ 5 GiB).
    public var copyPartSize: Int64 = 5 << 30
    /// Set by the runner from the discovered topology.
    public var clusterEnabled = false

    public init(
        kind: BackupKind = .collection, collections: [String]? = nil, parallel: Int = 2,
        keepServerSnapshots: Bool = false, snapshotTimeout: Double = 6 * 3600, pollInterval: Double = 1,
        resume: Bool = true, attemptsPerObject: Int = 3, tags: [String] = []
    ) {
        self.kind = kind
        self.collections = collections
        self.parallel = parallel
        self.keepServerSnapshots = keepServerSnapshots
        self.snapshotTimeout = snapshotTimeout
        self.pollInterval = pollInterval
        self.resume = resume
        self.attemptsPerObject = attemptsPerObject
        self.tags = tags
    }
}
