import Foundation

/// What `qsnap inspect` learned about a snapshot archive. Its JSON form (`--json`) is a stable, documented schema
/// (README, "inspect JSON schema"); fields are only ever added.
public struct SnapshotReport: Codable, Sendable, Equatable {
    /// The schema version of this document.
    public var schemaVersion = 1
    /// The archive as a file.
    public var archive: ArchiveFacts
    /// `full`, `collection` or `shard`.
    public var kind: SnapshotName.Kind
    /// The oldest segment format era found: `rocksdb`, `regular`, `streamable`, `ancient`, or `none` without segments.
    public var segmentFormat: SegmentFormat
    /// Facts parsed from the file name, when it follows Qdrant's naming.
    public var name: NameFacts?
    /// The collections inside: one for a collection snapshot, every collection for a full snapshot, none for a shard.
    public var collections: [CollectionReport]
    /// The shard of a shard snapshot.
    public var shard: ShardReport?
    /// Aliases recorded in a full snapshot's `config.json` (alias → collection).
    public var aliases: [String: String]?
    /// Sizes.
    public var totals: Totals

    /// Facts about the archive file.
    public struct ArchiveFacts: Codable, Sendable, Equatable {
        /// The path given, or `-` for standard input.
        public var path: String
        /// Raw bytes read (the file size as given, compressed or not).
        public var bytes: Int64
        /// Compression filters, outermost first; empty for plain tar.
        public var compression: [String]
        /// SHA-256 of the raw bytes, when computed (`--checksum`, a sidecar, or `--sha256`).
        public var sha256: String?
        /// The checksum the archive was verified against, and where it came from (`flag` or `sidecar`).
        public var expectedSHA256: String?
        public var checksumSource: String?
        /// True when `sha256` equals `expectedSHA256`.
        public var checksumVerified: Bool?
        /// True when the archive ends with the tar end-of-archive marker (checked for uncompressed input).
        public var endMarker: Bool?
        /// `headers` (seeks over data it does not need) or `deep` (reads and checks every nested archive).
        public var mode: String

        /// Memberwise initialiser.
        public init(
            path: String, bytes: Int64, compression: [String], sha256: String?, expectedSHA256: String?,
            checksumSource: String?, checksumVerified: Bool?, endMarker: Bool?, mode: String
        ) {
            self.path = path
            self.bytes = bytes
            self.compression = compression
            self.sha256 = sha256
            self.expectedSHA256 = expectedSHA256
            self.checksumSource = checksumSource
            self.checksumVerified = checksumVerified
            self.endMarker = endMarker
            self.mode = mode
        }
    }

    /// Facts parsed from a Qdrant snapshot file name.
    public struct NameFacts: Codable, Sendable, Equatable {
        public var kind: SnapshotName.Kind
        public var collection: String?
        public var peerId: UInt64?
        public var shardId: Int?
        /// UTC, ISO 8601.
        public var createdAt: String

        /// Builds the facts from a parsed name.
        public init(_ name: SnapshotName) {
            kind = name.kind
            collection = name.collection
            peerId = name.peerId
            shardId = name.shardId
            createdAt = ISO8601DateFormatter().string(from: name.creationTime)
        }
    }

    /// Byte totals.
    public struct Totals: Codable, Sendable, Equatable {
        /// Number of entries at every level (nested archives included when read).
        public var entries: Int
        /// Sum of the logical sizes of the regular entries of the outer archive.
        public var unpackedBytes: Int64
        /// Disk a restore needs on the node: the archive itself (Qdrant keeps an uploaded file) plus its unpacked copy.
        public var restoreDiskBytes: Int64

        /// Memberwise initialiser.
        public init(entries: Int, unpackedBytes: Int64, restoreDiskBytes: Int64) {
            self.entries = entries
            self.unpackedBytes = unpackedBytes
            self.restoreDiskBytes = restoreDiskBytes
        }
    }

    /// Memberwise initialiser.
    public init(
        archive: ArchiveFacts, kind: SnapshotName.Kind, segmentFormat: SegmentFormat, name: NameFacts?,
        collections: [CollectionReport], shard: ShardReport?, aliases: [String: String]?, totals: Totals
    ) {
        self.archive = archive
        self.kind = kind
        self.segmentFormat = segmentFormat
        self.name = name
        self.collections = collections
        self.shard = shard
        self.aliases = aliases
        self.totals = totals
    }
}

/// Segment storage formats across Qdrant's history (`SnapshotFormat` and older layouts).
public enum SegmentFormat: String, Codable, Sendable, Comparable {
    /// Segment tars with RocksDB backups (`snapshot/db_backup/`, before 1.13).
    case rocksdb
    /// A segment tar holding a plain copy of the segment directory (before 0.11).
    case ancient
    /// Segment tars with `snapshot/files/…` (collection snapshots today).
    case regular
    /// Segment directories `segments/<uuid>/files/…` (streamed shard snapshots).
    case streamable
    /// No segments in the archive.
    case none

    private var rank: Int {
        switch self {
        case .ancient: return 0
        case .rocksdb: return 1
        case .regular: return 2
        case .streamable: return 3
        case .none: return 4
        }
    }

    public static func < (a: SegmentFormat, b: SegmentFormat) -> Bool { a.rank < b.rank }
}

/// One collection inside a snapshot.
public struct CollectionReport: Codable, Sendable, Equatable {
    /// The collection name (from a full snapshot's mapping or the file name), when known.
    public var name: String?
    /// The nested snapshot file name inside a full snapshot.
    public var snapshotFile: String?
    /// SHA-256 of the nested snapshot file inside a full snapshot (deep inspections), so that it can be sent on to
    /// a node with a checksum the node verifies.
    public var snapshotSHA256: String?
    /// The parsed configuration.
    public var config: CollectionConfigSummary?
    /// The payload index schema (`payload_index.json`), verbatim.
    public var payloadSchema: JSONValue?
    /// `shard_key_mapping.json`, verbatim.
    public var shardKeyMapping: JSONValue?
    /// The collection crate version from `version.info` (not the Qdrant release).
    public var storageVersion: String?
    /// One report per shard directory.
    public var shards: [ShardReport]
    /// Size of the collection archive (nested file size in a full snapshot, else the outer size).
    public var bytes: Int64
    /// The segment format era of this collection.
    public var segmentFormat: SegmentFormat

    /// Memberwise initialiser.
    public init(
        name: String?, snapshotFile: String?, config: CollectionConfigSummary?, payloadSchema: JSONValue?,
        shardKeyMapping: JSONValue?, storageVersion: String?, shards: [ShardReport], bytes: Int64,
        segmentFormat: SegmentFormat
    ) {
        self.name = name
        self.snapshotFile = snapshotFile
        self.config = config
        self.payloadSchema = payloadSchema
        self.shardKeyMapping = shardKeyMapping
        self.storageVersion = storageVersion
        self.shards = shards
        self.bytes = bytes
        self.segmentFormat = segmentFormat
    }
}

/// One shard directory (or the root of a shard snapshot).
public struct ShardReport: Codable, Sendable, Equatable {
    /// The shard id (`nil` at the root of a shard snapshot, where the id is only in the file name).
    public var id: Int?
    /// `replica_state.json`: whether this peer held the shard's data.
    public var isLocal: Bool?
    /// `replica_state.json`: the peer that wrote the snapshot.
    public var thisPeerId: UInt64?
    /// `replica_state.json`: replica state per peer id.
    public var peers: [String: String]?
    /// Number of segments.
    public var segments: Int
    /// Bytes of segment data (tars or streamable files).
    public var segmentBytes: Int64
    /// Logical bytes of the WAL.
    public var walBytes: Int64
    /// `newest_clocks.json` entries.
    public var clocks: [Clock]
    /// True when the directory carries data (`wal/` or `segments/`), false for a remote-replica stub.
    public var hasData: Bool

    /// One logical clock.
    public struct Clock: Codable, Sendable, Equatable {
        public var peerId: UInt64
        public var clockId: Int
        public var currentTick: Int

        /// Memberwise initialiser.
        public init(peerId: UInt64, clockId: Int, currentTick: Int) {
            self.peerId = peerId
            self.clockId = clockId
            self.currentTick = currentTick
        }
    }

    /// An empty shard report.
    public init(id: Int?) {
        self.id = id
        segments = 0
        segmentBytes = 0
        walBytes = 0
        clocks = []
        hasData = false
    }
}
