/// What `qsnap migrate` will do, decided without I/O from the source collection's config and the options: the
/// target's create body (overrides and vector changes applied, HNSW held back for the bulk load), how each point is
/// rewritten on the way, and the fingerprint that a resumed run must match.
public struct MigrationPlan: Sendable, Equatable {
    /// What was asked.
    public struct Options: Sendable, Equatable {
        public var collection: String
        /// The target collection (`--as`, default: the source name).
        public var target: String
        /// A Qdrant filter: only matching points move.
        public var filter: JSONValue?
        public var shards: Int?
        public var replicationFactor: Int?
        /// Store dense vectors on disk (`--on-disk`).
        public var onDisk: Bool
        /// Drop the source's quantization (`--no-quantization`).
        public var dropQuantization: Bool
        /// `hnsw_config.m` of the target (`--hnsw-m`).
        public var hnswM: Int?
        /// Vectors to add (embedding-model change).
        public var additions: [VectorAddition]
        /// Vector renames `OLD → NEW`; `""` names the source's unnamed vector.
        public var renames: [String: String]

        public init(
            collection: String, target: String? = nil, filter: JSONValue? = nil, shards: Int? = nil,
            replicationFactor: Int? = nil, onDisk: Bool = false, dropQuantization: Bool = false,
            hnswM: Int? = nil, additions: [VectorAddition] = [], renames: [String: String] = [:]
        ) {
            self.collection = collection
            self.target = target ?? collection
            self.filter = filter
            self.shards = shards
            self.replicationFactor = replicationFactor
            self.onDisk = onDisk
            self.dropQuantization = dropQuantization
            self.hnswM = hnswM
            self.additions = additions
            self.renames = renames
        }
    }

    /// Qdrant's default `hnsw_config.m`.
    public static let defaultHNSWM = 16

    public let options: Options
    /// The body of `PUT /collections/{target}`: HNSW off (`m: 0`) for the load.
    public let createBody: JSONValue
    /// The `hnsw_config.m` to set once the points are in (builds the index once, not while loading).
    public let hnswM: Int
    /// Dense vector names of the source (`""` for an unnamed vector) → their name on the target.
    public let vectorNames: [String: String]
    /// SHA-256 of what defines the migration.
    public let fingerprint: String

    /// Plans a migration of a collection whose `GET /collections/{c}` config is `sourceConfig`.
    /// - Throws: `usage` for vector changes that do not fit the source (an unnamed vector left unnamed beside an
    ///   added one, a rename of a missing vector, an added name already taken).
    public init(sourceConfig: JSONValue, options: Options) throws {
        self.options = options
        guard case .object(var body) = CollectionCreateBody.from(config: sourceConfig) else {
            throw QSnapError(.migrateConfig, "the source collection's config is not an object")
        }
        let vectors = sourceConfig["params"]?["vectors"] ?? .object([:])
        let unnamed = vectors["size"] != nil
        var dense: [String: JSONValue] = unnamed ? ["": vectors] : (vectors.objectValue ?? [:])
        var sparse = sourceConfig["params"]?["sparse_vectors"]?.objectValue ?? [:]
        var names: [String: String] = [:]
        for old in dense.keys { names[old] = options.renames[old] ?? old }
        for (old, _) in options.renames where dense[old] == nil {
            throw QSnapError(
                .migrateRenameVector,
                old.isEmpty
                    ? "--rename-vector =NEW names an unnamed vector, but \(options.collection) has named vectors"
                    : "--rename-vector \(old)=…: \(options.collection) has no dense vector \(old)")
        }
        if unnamed, !options.additions.isEmpty, names[""] == "" {
            throw QSnapError(
                .migrateRenameVector,
                "\(options.collection) has one unnamed vector; to add \(options.additions[0].name) beside it, "
                    + "name it with --rename-vector =NAME (e.g. --rename-vector =text-v1)")
        }
        var renamed: [String: JSONValue] = [:]
        for (old, params) in dense { renamed[names[old]!] = params }
        dense = renamed
        for addition in options.additions {
            guard dense[addition.name] == nil, sparse[addition.name] == nil else {
                throw QSnapError(
                    .migrateAddVector, "--add-vector \(addition.name): that vector already exists")
            }
            if addition.isSparse {
                sparse[addition.name] = addition.params
            } else {
                dense[addition.name] = addition.params
            }
        }
        if options.onDisk {
            for (name, params) in dense {
                if case .object(var p) = params { p["on_disk"] = .bool(true); dense[name] = .object(p) }
            }
        }
        if options.dropQuantization {
            body["quantization_config"] = nil
            for (name, params) in dense {
                if case .object(var p) = params { p["quantization_config"] = nil; dense[name] = .object(p) }
            }
        }
        body["vectors"] = dense.count == 1 && dense[""] != nil ? dense[""]! : .object(dense)
        body["sparse_vectors"] = sparse.isEmpty ? nil : .object(sparse)
        if let shards = options.shards { body["shard_number"] = .integer(Int64(shards)) }
        if let rf = options.replicationFactor { body["replication_factor"] = .integer(Int64(rf)) }
        body["metadata"] = nil
        var hnsw = body["hnsw_config"]?.objectValue ?? [:]
        hnswM = options.hnswM ?? hnsw["m"]?.intValue ?? Self.defaultHNSWM
        hnsw["m"] = .integer(0)
        body["hnsw_config"] = .object(hnsw)
        createBody = .object(body)
        vectorNames = names
        let identity: JSONValue = .object([
            "source": .string(options.collection), "target": .string(options.target), "filter": options.filter ?? .null,
            "vectors": vectors, "sparse": sourceConfig["params"]?["sparse_vectors"] ?? .null, "create": createBody,
            "m": .integer(Int64(hnswM)),
        ])
        fingerprint = Digest.sha256Hex(identity.description)
    }

    /// A point as `scroll` returned it, rewritten for `upsert` into the target: `id`, `payload`, and its vectors under
    /// their target names.
    public func rewrite(_ point: JSONValue) -> JSONValue {
        var out: [String: JSONValue] = ["id": point["id"] ?? .null, "payload": point["payload"] ?? .object([:])]
        let vector = point["vector"] ?? .null
        if vector.arrayValue != nil {
            let name = vectorNames[""] ?? ""
            out["vector"] = name.isEmpty ? vector : .object([name: vector])
        } else if let named = vector.objectValue {
            var renamed: [String: JSONValue] = [:]
            for (name, value) in named { renamed[vectorNames[name] ?? name] = value }
            out["vector"] = .object(renamed)
        } else {
            out["vector"] = .object([:])
        }
        return .object(out)
    }
}
