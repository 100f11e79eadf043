import QSnapCore

/// The parts of `GET /telemetry` qsnap uses: the release, the machine's size and snapshot activity.
public struct TelemetryInfo: Sendable, Hashable, Decodable {
    /// Snapshot activity of one collection (telemetry `collections.snapshots[]`, details level 2 and up).
    public struct SnapshotActivity: Sendable, Hashable {
        /// Snapshot creations in progress.
        public var runningSnapshots: Int
        /// Snapshot recoveries in progress.
        public var runningSnapshotRecovery: Int
        /// Snapshot creations since start-up.
        public var totalSnapshotCreations: Int

        /// Creates a value.
        public init(runningSnapshots: Int = 0, runningSnapshotRecovery: Int = 0, totalSnapshotCreations: Int = 0) {
            self.runningSnapshots = runningSnapshots
            self.runningSnapshotRecovery = runningSnapshotRecovery
            self.totalSnapshotCreations = totalSnapshotCreations
        }
    }

    /// The Qdrant release (`app.version`).
    public var version: QdrantVersion
    /// Total capacity of the filesystem holding the storage, in bytes (`app.system.disk_size` is KiB).
    public var diskSizeBytes: Int64?
    /// Effective memory of the process (cgroup limit or host RAM), in bytes (`app.system.ram_size` is KiB).
    public var ramSizeBytes: Int64?
    /// CPU cores, when reported.
    public var cores: Int?
    /// The number of collections.
    public var numberOfCollections: Int?
    /// Snapshot activity per collection name (empty below details level 2).
    public var snapshots: [String: SnapshotActivity]

    /// Creates a value.
    public init(
        version: QdrantVersion, diskSizeBytes: Int64? = nil, ramSizeBytes: Int64? = nil, cores: Int? = nil,
        numberOfCollections: Int? = nil, snapshots: [String: SnapshotActivity] = [:]
    ) {
        self.version = version
        self.diskSizeBytes = diskSizeBytes
        self.ramSizeBytes = ramSizeBytes
        self.cores = cores
        self.numberOfCollections = numberOfCollections
        self.snapshots = snapshots
    }

    private struct App: Decodable {
        var version: QdrantVersion
        var system: System?
    }
    private struct System: Decodable {
        var cores: Int?
        var ram_size: Int64?
        var disk_size: Int64?
    }
    private struct Collections: Decodable {
        var number_of_collections: Int?
        var snapshots: [Activity]?
    }
    private struct Activity: Decodable {
        var id: String
        var running_snapshots: Int?
        var running_snapshot_recovery: Int?
        var total_snapshot_creations: Int?
    }
    private enum CodingKeys: String, CodingKey { case app, collections }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        guard let app = try c.decodeIfPresent(App.self, forKey: .app) else {
            throw DecodingError.keyNotFound(
                CodingKeys.app, .init(codingPath: c.codingPath, debugDescription: "telemetry has no app section"))
        }
        version = app.version
        cores = app.system?.cores
        diskSizeBytes = app.system?.disk_size.map { $0 * 1024 }
        ramSizeBytes = app.system?.ram_size.map { $0 * 1024 }
        let collections = try c.decodeIfPresent(Collections.self, forKey: .collections)
        numberOfCollections = collections?.number_of_collections
        var snapshots: [String: SnapshotActivity] = [:]
        for a in collections?.snapshots ?? [] {
            snapshots[a.id] = SnapshotActivity(
                runningSnapshots: a.running_snapshots ?? 0, runningSnapshotRecovery: a.running_snapshot_recovery ?? 0,
                totalSnapshotCreations: a.total_snapshot_creations ?? 0)
        }
        self.snapshots = snapshots
    }
}
