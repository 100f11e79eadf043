/// The record of one complete backup. Written last and atomically: a backup without a manifest does not exist.
///
/// Holds everything a restore needs to decide and to verify: the source Qdrant version, the topology, every
/// collection's full configuration and exact point count, the aliases, and for every object its key, size,
/// SHA-256, ETag, node and shard. It never holds secrets (no api keys, no credentials, no presigned URLs).
public struct BackupManifest: Codable, Sendable, Equatable {
    /// The version of this document's format.
    public var formatVersion: Int
    /// The backup id (sortable: `YYYYMMDDTHHMMSSZ-xxxxxx`).
    public var id: String
    /// The unit that was snapshotted.
    public var kind: BackupKind
    /// The qsnap version that wrote the backup.
    public var qsnapVersion: String
    /// When the backup started and completed (UTC, ISO 8601).
    public var startedAt: String
    public var completedAt: String
    /// The source deployment.
    public var source: Source
    /// Every collection backed up.
    public var collections: [Collection]
    /// Aliases pointing at the backed-up collections (not part of collection snapshots in Qdrant).
    public var aliases: [Alias]
    /// Every object of the backup.
    public var objects: [Object]
    /// True when every object's SHA-256 matched the checksum Qdrant computed for it.
    public var checksumsVerifiedAgainstQdrant: Bool
    /// The id of the interrupted run this backup completed, if it was resumed.
    public var resumedFrom: String?
    /// Labels matched by a retention policy's `keep-tags` (`qsnap backup --tag`, `qsnap tag`). Absent in
    /// manifests written before tags existed, which decode with `nil` (no tags).
    public var tags: [String]?
    /// True when the backup is pinned (`qsnap pin`): no prune deletes it and `qsnap forget` refuses it without
    /// `--force`. Absent in older manifests (`nil`: not pinned).
    public var pinned: Bool?
    /// How the objects are stored (S3 server-side encryption, storage class, object tags); absent when the
    /// repository's defaults applied, and in older manifests.
    public var storage: ObjectStorageSettings?

    /// The source deployment.
    public struct Source: Codable, Sendable, Equatable {
        /// `GET /` version of the source (the lowest across nodes).
        public var qdrantVersion: String
        /// True when the source runs in distributed (cluster) mode.
        public var clusterEnabled: Bool
        /// Every node, with its peer id and REST URL (credentials and query strings removed).
        public var nodes: [Node]

        public init(qdrantVersion: String, clusterEnabled: Bool, nodes: [Node]) {
            self.qdrantVersion = qdrantVersion
            self.clusterEnabled = clusterEnabled
            self.nodes = nodes
        }
    }

    /// One node of the source.
    public struct Node: Codable, Sendable, Equatable {
        public var peerId: UInt64?
        public var url: String
        public var version: String

        public init(peerId: UInt64?, url: String, version: String) {
            self.peerId = peerId
            self.url = url
            self.version = version
        }
    }

    /// One collection.
    public struct Collection: Codable, Sendable, Equatable {
        public var name: String
        /// `config` of `GET /collections/{c}`, verbatim.
        public var config: JSONValue
        /// The payload index schema, verbatim.
        public var payloadSchema: JSONValue
        /// Exact point count (`count` with `exact: true`) taken when the backup started.
        public var pointsCount: Int
        /// The collection status at backup time (`green`, `yellow`, …).
        public var status: String
        /// Where every shard's replicas lived.
        public var placement: [ShardPlacement]
        /// A few points with digests of their payload and vectors, for a restore to check (see ``PointSample``).
        public var samples: [PointSample]

        public init(
            name: String, config: JSONValue, payloadSchema: JSONValue, pointsCount: Int, status: String,
            placement: [ShardPlacement], samples: [PointSample] = []
        ) {
            self.name = name
            self.config = config
            self.payloadSchema = payloadSchema
            self.pointsCount = pointsCount
            self.status = status
            self.placement = placement
            self.samples = samples
        }

        /// `params.shard_number` of the config.
        public var shardNumber: Int? { config["params"]?["shard_number"]?.intValue }
    }

    /// One sampled point: its id and SHA-256 digests of its payload and of its vectors, each as canonical JSON
    /// (``JSONValue/description``: sorted keys, compact). A restore retrieves the same ids and compares.
    public struct PointSample: Codable, Sendable, Equatable {
        public var id: JSONValue
        public var payloadSHA256: String
        public var vectorSHA256: String

        public init(id: JSONValue, payloadSHA256: String, vectorSHA256: String) {
            self.id = id
            self.payloadSHA256 = payloadSHA256
            self.vectorSHA256 = vectorSHA256
        }

        /// Builds a sample from a point as `scroll`/`retrieve` return it (`id`, `payload`, `vector`); `nil` without
        /// an id, or for an id held only as a `Double` of 2^53 or more (parsed ids are exact integers: any `u64`).
        public init?(point: JSONValue) {
            guard let id = point["id"] else { return nil }
            if case .number(let n) = id, abs(n) >= 9_007_199_254_740_992 { return nil }
            self.init(
                id: id, payloadSHA256: Digest.sha256Hex((point["payload"] ?? .null).description),
                vectorSHA256: Digest.sha256Hex((point["vector"] ?? .null).description))
        }
    }

    /// The replicas of one shard.
    public struct ShardPlacement: Codable, Sendable, Equatable {
        public var shardId: Int
        public var replicas: [Replica]

        public init(shardId: Int, replicas: [Replica]) {
            self.shardId = shardId
            self.replicas = replicas
        }
    }

    /// One replica of a shard.
    public struct Replica: Codable, Sendable, Equatable {
        public var peerId: UInt64
        public var state: String
        /// Points held by this replica (local view of its node), when known.
        public var pointsCount: Int?

        public init(peerId: UInt64, state: String, pointsCount: Int? = nil) {
            self.peerId = peerId
            self.state = state
            self.pointsCount = pointsCount
        }
    }

    /// One alias.
    public struct Alias: Codable, Sendable, Equatable, Hashable {
        public var alias: String
        public var collection: String

        public init(alias: String, collection: String) {
            self.alias = alias
            self.collection = collection
        }
    }

    /// One stored snapshot object.
    public struct Object: Codable, Sendable, Equatable {
        /// The object key, relative to the repository root.
        public var key: String
        public var size: Int64
        /// Lower-case hex SHA-256 of the object; `nil` for an object the store copied server-side from a node's own
        /// S3 snapshot storage (Qdrant reports no checksum there) until `qsnap verify` read it and filled it in.
        public var sha256: String?
        /// The ETag the store returned (an MD5 or a multipart ETag; not a content hash to compare).
        public var etag: String
        /// What the object is a snapshot of.
        public var kind: BackupKind
        public var collection: String?
        public var shardId: Int?
        /// The node that made the snapshot.
        public var peerId: UInt64?
        public var nodeURL: String
        /// The snapshot's file name on the node.
        public var snapshotName: String
        /// The shard ids whose data this object carries (collection snapshots: the node's local shards).
        public var shards: [Int]
        /// Bytes stored in an encrypted repository (header, chunk frames and tags around the compressed snapshot);
        /// `nil` in a plain repository, where the store holds `size` bytes. `size` and `sha256` are always the
        /// plaintext snapshot's, as Qdrant's `checksum` expects.
        public var storedSize: Int64?
        /// Where the node wrote the snapshot when the store copied it into the repository server-side
        /// (`s3://bucket/key`); `nil` when qsnap streamed it.
        public var copiedFrom: String?

        /// The size a HEAD of the object must report.
        public var expectedStoredSize: Int64 { storedSize ?? size }

        public init(
            key: String, size: Int64, sha256: String?, etag: String, kind: BackupKind, collection: String?,
            shardId: Int?, peerId: UInt64?, nodeURL: String, snapshotName: String, shards: [Int],
            storedSize: Int64? = nil, copiedFrom: String? = nil
        ) {
            self.storedSize = storedSize
            self.copiedFrom = copiedFrom
            self.key = key
            self.size = size
            self.sha256 = sha256
            self.etag = etag
            self.kind = kind
            self.collection = collection
            self.shardId = shardId
            self.peerId = peerId
            self.nodeURL = nodeURL
            self.snapshotName = snapshotName
            self.shards = shards
        }
    }

    /// Creates a manifest.
    public init(
        id: String, kind: BackupKind, qsnapVersion: String, startedAt: String, completedAt: String,
        source: Source, collections: [Collection], aliases: [Alias], objects: [Object],
        checksumsVerifiedAgainstQdrant: Bool, resumedFrom: String? = nil, tags: [String]? = nil,
        pinned: Bool? = nil, storage: ObjectStorageSettings? = nil
    ) {
        self.formatVersion = 1
        self.id = id
        self.kind = kind
        self.qsnapVersion = qsnapVersion
        self.startedAt = startedAt
        self.completedAt = completedAt
        self.source = source
        self.collections = collections
        self.aliases = aliases
        self.objects = objects
        self.checksumsVerifiedAgainstQdrant = checksumsVerifiedAgainstQdrant
        self.resumedFrom = resumedFrom
        self.tags = tags
        self.pinned = pinned
        self.storage = storage
    }

    /// The tags and pin of this manifest (missing fields read as no tags, not pinned).
    public var labels: BackupLabels {
        get { BackupLabels(tags: tags ?? [], pinned: pinned ?? false) }
        set {
            tags = newValue.tags
            pinned = newValue.pinned
        }
    }

    /// The objects that carry `collection`: its collection or shard snapshots, or the full-storage snapshot(s)
    /// of a full backup (each holds every collection).
    public func objects(of collection: String) -> [Object] {
        kind == .full ? objects.filter { $0.kind == .full } : objects.filter { $0.collection == collection }
    }

    /// Total bytes of all objects.
    public var totalBytes: Int64 { objects.reduce(0) { $0 + $1.size } }
}
