/// The resume journal of a running or interrupted backup (`backups/<id>/progress.json`).
///
/// Rewritten atomically after every finished object. A re-run of the same backup (same source peers, kind and
/// collections) finds it and reuses every object recorded as finished that still exists with the recorded size.
public struct BackupProgress: Codable, Sendable, Equatable {
    /// One finished object.
    public struct Finished: Codable, Sendable, Equatable {
        public var unit: BackupUnit
        public var object: BackupManifest.Object

        public init(unit: BackupUnit, object: BackupManifest.Object) {
            self.unit = unit
            self.object = object
        }
    }

    public var id: String
    /// Identifies what is being backed up; a resume requires the same fingerprint.
    public var fingerprint: String
    public var startedAt: String
    public var finished: [Finished]
    /// Snapshots created on the nodes but not yet stored (unit path → snapshot name), reused by a resumed run.
    public var pending: [String: String]
    /// Snapshot creations requested but not yet seen finished (unit path → names listed just before the request).
    /// Written before the request: Qdrant finishes a creation even when the client is gone, so a resumed run adopts
    /// the snapshot that appeared instead of leaving it on the node.
    public var creating: [String: [String]]
    /// The run writing this journal (host, pid, run id — the owner of the repository lock it holds); `nil` in
    /// journals of versions that did not record it. A journal is resumed only when its writer is gone
    /// (``JournalResumePolicy``).
    public var writer: RepositoryLock.Owner?
    /// How the objects are stored (encryption, class, tags, Object Lock retention): recorded before the first
    /// object, so that a prune cleaning up an interrupted backup knows whether its objects are locked. `nil` in
    /// older journals and for repositories with default settings.
    public var storage: ObjectStorageSettings?

    public init(
        id: String, fingerprint: String, startedAt: String, finished: [Finished] = [],
        pending: [String: String] = [:], creating: [String: [String]] = [:],
        writer: RepositoryLock.Owner? = nil
    ) {
        self.id = id
        self.fingerprint = fingerprint
        self.startedAt = startedAt
        self.finished = finished
        self.pending = pending
        self.creating = creating
        self.writer = writer
    }

    enum CodingKeys: String, CodingKey { case id, fingerprint, startedAt, finished, pending, creating, writer, storage }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(String.self, forKey: .id)
        fingerprint = try c.decode(String.self, forKey: .fingerprint)
        startedAt = try c.decode(String.self, forKey: .startedAt)
        finished = try c.decode([Finished].self, forKey: .finished)
        pending = try c.decodeIfPresent([String: String].self, forKey: .pending) ?? [:]
        creating = try c.decodeIfPresent([String: [String]].self, forKey: .creating) ?? [:]
        writer = try c.decodeIfPresent(RepositoryLock.Owner.self, forKey: .writer)
        storage = try c.decodeIfPresent(ObjectStorageSettings.self, forKey: .storage)
    }

    /// The fingerprint of a plan: kind, sorted peers and collections.
    public static func fingerprint(kind: BackupKind, topology: SourceTopology) -> String {
        let peers = topology.nodes.map { String($0.peerId) }.sorted().joined(separator: ",")
        let collections = topology.collections.map(\.name).sorted().joined(separator: ",")
        return Digest.sha256Hex("\(kind.rawValue)|\(peers)|\(collections)")
    }
}
