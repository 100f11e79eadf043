import Foundation

/// A `qsnap run JOB.yaml` job file: what to back up, where to, how to select, retain, verify, report and lock.
///
/// Secrets never appear in a job file: the Qdrant api key is read from the environment variable named by
/// `source.api-key-env`, and an inline `api-key:` is refused. See `policies/jobs/example-job.yaml` and
/// ``parse(yaml:file:)``.
public struct JobSpec: Sendable, Equatable {
    /// The Qdrant source.
    public struct Source: Sendable, Equatable {
        /// The node URLs (`http://` or `https://`), at least one.
        public var urls: [String]
        /// The environment variable holding the api key, or `nil` when the cluster needs none.
        public var apiKeyEnv: String?
        /// Where the nodes write their snapshots when they store them on S3 (`snapshots-bucket`,
        /// `snapshots-prefix`): the backup has the store copy them into the repository server-side.
        public var snapshotStore: NodeSnapshotStore

        /// Creates a source.
        public init(urls: [String], apiKeyEnv: String? = nil, snapshotStore: NodeSnapshotStore = NodeSnapshotStore()) {
            self.urls = urls
            self.apiKeyEnv = apiKeyEnv
            self.snapshotStore = snapshotStore
        }
    }

    /// What the backup covers.
    public struct Selection: Sendable, Equatable {
        /// The unit of the backup.
        public enum Kind: String, Sendable, Equatable, CaseIterable {
            /// Collection snapshots (the default).
            case collection
            /// Per-shard snapshots.
            case shard
            /// A full-storage snapshot of each node.
            case full
        }

        /// The unit of the backup.
        public var kind: Kind
        /// The collections; empty means all (not allowed with `full`).
        public var collections: [String]

        /// Creates a selection.
        public init(kind: Kind = .collection, collections: [String] = []) {
            self.kind = kind
            self.collections = collections
        }
    }

    /// Where the retention policy comes from.
    public enum Retention: Sendable, Equatable {
        /// Written inline in the job file.
        case inline(RetentionPolicy)
        /// A policy file, as written in the job file (see ``JobSpec/resolvedPath(_:)``).
        case file(String)
    }

    /// The job's name: the `job` label of its metrics and the purpose of its lock.
    public var name: String
    /// The Qdrant source.
    public var source: Source
    /// The repository: `s3://bucket/prefix`, `file:///dir` or a directory path, a relative one already taken
    /// relative to the job file's directory.
    public var repository: RepositoryLocation
    /// What the backup covers.
    public var selection: Selection
    /// The retention policy, or `nil` when the job never prunes.
    public var retention: Retention?
    /// Whether to verify the new backup (default `true`).
    public var verify: Bool
    /// The Prometheus textfile to write, or `nil`.
    public var metricsTextfile: String?
    /// How long the repository lock is valid before it must be renewed, in seconds (default 1 hour).
    public var lockTTL: TimeInterval
    /// How long to wait for a busy lock before giving up, in seconds (default 0: refuse at once).
    public var lockWait: TimeInterval
    /// How long after its expiry another run's lock is still respected, in seconds (default 5 minutes).
    public var lockGrace: TimeInterval
    /// The job file's path, used to resolve relative paths and in messages.
    public var file: String

    /// Creates a job.
    public init(
        name: String, source: Source, repository: RepositoryLocation, selection: Selection = Selection(),
        retention: Retention? = nil, verify: Bool = true, metricsTextfile: String? = nil,
        lockTTL: TimeInterval = 3600, lockWait: TimeInterval = 0, lockGrace: TimeInterval = 300,
        file: String = "job.yaml"
    ) {
        self.name = name
        self.source = source
        self.repository = repository
        self.selection = selection
        self.retention = retention
        self.verify = verify
        self.metricsTextfile = metricsTextfile
        self.lockTTL = lockTTL
        self.lockWait = lockWait
        self.lockGrace = lockGrace
        self.file = file
    }

    /// The lock timing of this job.
    public var lockPolicy: RepositoryLockPolicy { RepositoryLockPolicy(ttl: lockTTL, staleGrace: lockGrace) }

    /// `path` resolved against the job file's directory when relative (pure string work, no file access).
    public func resolvedPath(_ path: String) -> String {
        guard !path.hasPrefix("/") else { return path }
        let dir = (file as NSString).deletingLastPathComponent
        return dir.isEmpty ? path : (dir as NSString).appendingPathComponent(path)
    }

    /// The api key from `environment`, or `nil` when the job names no variable.
    ///
    /// - Throws: `QSnapError` `.jobApiKeyEnv` when the named variable is unset or empty.
    public func apiKey(environment: [String: String]) throws -> String? {
        guard let name = source.apiKeyEnv else { return nil }
        guard let value = environment[name], !value.isEmpty else {
            throw QSnapError(
                .jobApiKeyEnv,
                "\(file): source.api-key-env names \(name), but that environment variable is not set; export it before running the job"
            )
        }
        return value
    }
}
