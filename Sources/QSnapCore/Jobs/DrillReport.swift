import Foundation

/// The report of a disaster-recovery drill: which backup was restored where, how long it took (RTO), how old
/// the backup was (RPO), what was checked, and whether the scratch collections were cleaned up.
///
/// Written as JSON (``jsonData()``, stable snake_case keys, sorted, ISO 8601 UTC times) and as Markdown
/// (``markdown()``).
public struct DrillReport: Sendable, Equatable, Codable {
    /// The restore outcome of one collection.
    public struct CollectionResult: Sendable, Equatable, Codable {
        /// The collection's name in the backup.
        public var name: String
        /// The scratch collection it was restored into.
        public var scratchName: String
        /// The point count recorded in the backup.
        public var expectedPoints: Int64
        /// The point count found after restoring, or `nil` when the restore did not get that far.
        public var restoredPoints: Int64?

        /// Creates a result.
        public init(name: String, scratchName: String, expectedPoints: Int64, restoredPoints: Int64?) {
            self.name = name
            self.scratchName = scratchName
            self.expectedPoints = expectedPoints
            self.restoredPoints = restoredPoints
        }

        /// True when the restored count equals the expected count.
        public var passed: Bool { restoredPoints == expectedPoints }

        enum CodingKeys: String, CodingKey {
            case name, passed
            case scratchName = "scratch_name"
            case expectedPoints = "expected_points"
            case restoredPoints = "restored_points"
        }

        /// Decodes a result (`passed` is derived and ignored).
        public init(from decoder: any Decoder) throws {
            let c = try decoder.container(keyedBy: CodingKeys.self)
            name = try c.decode(String.self, forKey: .name)
            scratchName = try c.decode(String.self, forKey: .scratchName)
            expectedPoints = try c.decode(Int64.self, forKey: .expectedPoints)
            restoredPoints = try c.decodeIfPresent(Int64.self, forKey: .restoredPoints)
        }

        /// Encodes a result, with `passed`; an unknown restored count is written as `null`.
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(name, forKey: .name)
            try c.encode(scratchName, forKey: .scratchName)
            try c.encode(expectedPoints, forKey: .expectedPoints)
            try c.encode(restoredPoints, forKey: .restoredPoints)
            try c.encode(passed, forKey: .passed)
        }
    }

    /// One verification check of the drill (checksums, counts, a sample query, …).
    public struct Check: Sendable, Equatable, Codable {
        /// The check's name.
        public var name: String
        /// True when it passed.
        public var passed: Bool
        /// What was found.
        public var detail: String

        /// Creates a check.
        public init(name: String, passed: Bool, detail: String = "") {
            self.name = name
            self.passed = passed
            self.detail = detail
        }
    }

    /// What happened to the scratch collections.
    public struct Cleanup: Sendable, Equatable, Codable {
        /// The outcome.
        public enum Status: String, Sendable, Equatable, Codable {
            /// Every scratch collection was deleted.
            case complete
            /// Some scratch collections are left (listed in ``Cleanup/leftover``).
            case partial
            /// Cleanup failed altogether.
            case failed
        }

        /// The outcome.
        public var status: Status
        /// The scratch collections deleted.
        public var removed: [String]
        /// The scratch collections still present, to delete by hand.
        public var leftover: [String]

        /// Creates a cleanup record; the status follows from the lists unless `failed` is forced.
        public init(removed: [String], leftover: [String], failed: Bool = false) {
            self.removed = removed
            self.leftover = leftover
            status = failed ? .failed : leftover.isEmpty ? .complete : .partial
        }
    }

    /// The report format version.
    public static let formatVersion = 1

    /// The backup restored.
    public var backupID: String
    /// When that backup was taken.
    public var backupTime: Date
    /// The Qdrant version the backup was taken from, if known.
    public var sourceVersion: String?
    /// The Qdrant URL restored into (redacted).
    public var target: String
    /// When the drill started.
    public var started: Date
    /// When the drill finished, cleanup included.
    public var finished: Date
    /// Recovery time: the restore's wall time, in seconds.
    public var rtoSeconds: Double
    /// Recovery point: the age of the backup when the drill started, in seconds.
    public var rpoSeconds: Double
    /// Per-collection results.
    public var collections: [CollectionResult]
    /// The checks run.
    public var checks: [Check]
    /// The cleanup of the scratch collections.
    public var cleanup: Cleanup
    /// The error that stopped the drill, if any (already free of secrets).
    public var error: String?
    /// With `--cloud-backups`: the age of the cluster's newest SUCCEEDED Qdrant Cloud backup at drill start.
    public var cloudBackup: CloudBackupRPO?

    /// Creates a report, computing RTO (`restoreFinished − restoreStarted`) and RPO (`started − backupTime`).
    public init(
        backupID: String, backupTime: Date, sourceVersion: String?, target: String, started: Date,
        restoreStarted: Date, restoreFinished: Date, finished: Date, collections: [CollectionResult],
        checks: [Check], cleanup: Cleanup, error: String? = nil, cloudBackup: CloudBackupRPO? = nil
    ) {
        self.backupID = backupID
        self.backupTime = backupTime
        self.sourceVersion = sourceVersion
        self.target = Redactor().redact(target)
        self.started = started
        self.finished = finished
        self.rtoSeconds = max(0, restoreFinished.timeIntervalSince(restoreStarted))
        self.rpoSeconds = started.timeIntervalSince(backupTime)
        self.collections = collections
        self.checks = checks
        self.cleanup = cleanup
        self.error = error
        self.cloudBackup = cloudBackup
    }

    /// True when there was no error, every collection count matched, every check passed and cleanup completed.
    public var passed: Bool {
        error == nil && collections.allSatisfy(\.passed) && checks.allSatisfy(\.passed) && cleanup.status == .complete
    }

    enum CodingKeys: String, CodingKey {
        case backupID = "backup_id"
        case backupTime = "backup_time"
        case sourceVersion = "source_version"
        case target, started, finished
        case rtoSeconds = "rto_seconds"
        case rpoSeconds = "rpo_seconds"
        case collections, checks, cleanup, error, passed
        case formatVersion = "format_version"
        case cloudBackup = "cloud_backup"
    }

    /// Decodes a report written by ``jsonData()``.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        func date(_ key: CodingKeys) throws -> Date {
            let text = try c.decode(String.self, forKey: key)
            guard let d = UTCCivilTime.parseISO8601(text) else {
                throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "not an ISO 8601 UTC time")
            }
            return d
        }
        backupID = try c.decode(String.self, forKey: .backupID)
        backupTime = try date(.backupTime)
        sourceVersion = try c.decodeIfPresent(String.self, forKey: .sourceVersion)
        target = try c.decode(String.self, forKey: .target)
        started = try date(.started)
        finished = try date(.finished)
        rtoSeconds = try c.decode(Double.self, forKey: .rtoSeconds)
        rpoSeconds = try c.decode(Double.self, forKey: .rpoSeconds)
        collections = try c.decode([CollectionResult].self, forKey: .collections)
        checks = try c.decode([Check].self, forKey: .checks)
        cleanup = try c.decode(Cleanup.self, forKey: .cleanup)
        error = try c.decodeIfPresent(String.self, forKey: .error)
        cloudBackup = try c.decodeIfPresent(CloudBackupRPO.self, forKey: .cloudBackup)
    }

    /// Encodes the report with ISO 8601 UTC times, the derived `passed` and the format version; `cloud_backup` only
    /// when the drill measured it.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(Self.formatVersion, forKey: .formatVersion)
        try c.encode(backupID, forKey: .backupID)
        try c.encode(UTCCivilTime.iso8601(backupTime), forKey: .backupTime)
        try c.encode(sourceVersion, forKey: .sourceVersion)
        try c.encode(target, forKey: .target)
        try c.encode(UTCCivilTime.iso8601(started), forKey: .started)
        try c.encode(UTCCivilTime.iso8601(finished), forKey: .finished)
        try c.encode((rtoSeconds * 1000).rounded() / 1000, forKey: .rtoSeconds)
        try c.encode((rpoSeconds * 1000).rounded() / 1000, forKey: .rpoSeconds)
        try c.encode(collections, forKey: .collections)
        try c.encode(checks, forKey: .checks)
        try c.encode(cleanup, forKey: .cleanup)
        try c.encode(error, forKey: .error)
        try c.encode(passed, forKey: .passed)
        try c.encodeIfPresent(cloudBackup, forKey: .cloudBackup)
    }

    /// The report as pretty-printed JSON with sorted keys and a trailing newline.
    public func jsonData() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        var data = (try? encoder.encode(self)) ?? Data()
        data.append(0x0A)
        return data
    }
}
