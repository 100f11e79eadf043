import ArgumentParser
import Foundation
import HTTP
import QSnap
import QSnapCore
import Qdrant

/// `qsnap backup`: snapshots from every node, streamed into a repository, with a manifest written last.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Back up collections from a Qdrant deployment into a repository.",
        discussion: """
            Discovers the cluster (GET /cluster, /collections/{c}/cluster), snapshots every unit on its node
            (collection: a snapshot on every node holding local shards; shard: one Active replica per shard;
            full: single-node deployments only), streams each snapshot straight into the repository with its
            SHA-256 checked against Qdrant's checksum in the same pass, deletes the server-side snapshots, and
            writes the manifest last. A re-run of an interrupted backup resumes it without uploading finished
            objects again.

            Holds the repository lock (purpose "backup") for the whole backup, so two backups, a prune or a
            forget never interleave on one repository: with --wait-lock it waits that long for another run's
            lock, then gives up with exit status 5. --tag records tags in the manifest (keep-tags).

            Nodes that store their snapshots on S3 themselves (storage.snapshots_config.snapshots_storage: s3):
            when the repository is an S3 repository on the same endpoint, the store copies each snapshot into
            the repository server-side (CopyObject, UploadPartCopy above --copy-part-size-mib) — no byte passes
            through this host. qsnap detects it (Qdrant reports no checksum and the object is in the nodes'
            bucket); --server-side requires it, --no-server-side always streams. Qdrant reports no checksum
            for such snapshots: `qsnap verify` reads them once and records their SHA-256 in the manifest.

            Examples:
              qsnap backup --qdrant http://localhost:6333 --to ./backups
              qsnap backup --qdrant http://n1:6333,http://n2:6333,http://n3:6333 --to s3://bucket/qdrant --kind shard
              qsnap backup --qdrant http://localhost:6333 --to ./backups --tag release --tag audited --wait-lock 600
              qsnap backup --qdrant http://n1:6333 --to s3://qdrant-snapshots/backups --server-side --snapshots-bucket qdrant-snapshots
            """)

    @OptionGroup var globals: GlobalOptions

    @Option(help: "REST URL(s) of the source node(s), comma-separated.")
    var qdrant: String

    @Option(
        help: "The repository: a directory, file:///path, or s3://bucket/prefix.",
        transform: RepositoryLocation.init(parsing:))
    var to: RepositoryLocation

    @Option(name: .customLong("collection"), help: "A collection to back up (repeatable; default: all).")
    var collections: [String] = []

    @Option(help: "collection, shard or full.")
    var kind: String = "collection"

    @Option(help: "Snapshots transferred at once.")
    var parallel: Int = 2

    @Flag(help: "Keep the server-side snapshots after a verified upload.")
    var keepServerSnapshots = false

    @Option(help: "Seconds to wait for one snapshot to be created.")
    var snapshotTimeout: Double = 6 * 3600

    @Flag(help: "Start a new backup even if an interrupted one of the same source exists.")
    var noResume = false

    @Option(help: "Api key or JWT of the source (default: the variable named by --source-api-key-env).")
    var apiKey: String?

    @Option(help: "The environment variable holding the source's api key or JWT.")
    var sourceApiKeyEnv: String = "QDRANT_API_KEY"

    @OptionGroup var connectionOptions: QdrantConnectionOptions

    @Option(help: "Points per collection recorded for restores to compare, drawn at random over the whole collection.")
    var verifySamples: Int = DiscoveredSource.sampleSize

    @Option(name: .customLong("tag"), help: "A tag to record in the manifest (repeatable).")
    var tags: [String] = []

    @Flag(
        inversion: .prefixedNo,
        help:
            "Have the store copy the snapshots the nodes wrote to S3 themselves into the repository (default: where detected)."
    )
    var serverSide: Bool?

    @Option(help: "The bucket the nodes write their snapshots to (s3_config.bucket; default: the repository's bucket).")
    var snapshotsBucket: String?

    @Option(help: "The key prefix of the nodes' snapshots (their snapshots_path without ./).")
    var snapshotsPrefix: String = "snapshots"

    @Option(
        name: .customLong("copy-part-size-mib"),
        help: "Server-side copies above this size go in UploadPartCopy parts of it (5…5120 MiB).")
    var copyPartSizeMiB: Int = 5120

    @OptionGroup var lock: LockOptions

    @OptionGroup var s3: RepositoryOptions

    func validate() throws {
        guard BackupKind(rawValue: kind) != nil else {
            throw ValidationError("--kind must be collection, shard or full")
        }
        guard (1...64).contains(parallel) else { throw ValidationError("--parallel must be 1…64") }
        guard snapshotTimeout > 0 else { throw ValidationError("--snapshot-timeout must be positive") }
        guard (0...10_000).contains(verifySamples) else { throw ValidationError("--verify-samples must be 0…10000") }
        guard (5...5120).contains(copyPartSizeMiB) else { throw ValidationError("--copy-part-size-mib must be 5…5120") }
        for tag in tags {
            do { try BackupLabels.validate(tag: tag) } catch let error as QSnapError {
                throw ValidationError(error.message)
            }
        }
    }

    func run() async throws {
        try await CommandRunner.run(globals) { logger in
            let urls = qdrant.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }.filter {
                !$0.isEmpty
            }
            var options = BackupOptions(
                kind: BackupKind(rawValue: kind)!, collections: collections.isEmpty ? nil : collections,
                parallel: parallel, keepServerSnapshots: keepServerSnapshots, snapshotTimeout: snapshotTimeout,
                resume: !noResume, tags: tags)
            options.serverSide = serverSide.map { $0 ? .always : .never } ?? .auto
            options.nodeSnapshotStore = NodeSnapshotStore(bucket: snapshotsBucket, prefix: snapshotsPrefix)
            options.copyPartSize = Int64(copyPartSizeMiB) << 20
            let backupOptions = options
            let connection = try connectionOptions.connection(apiKey: apiKey, keyEnv: sourceApiKeyEnv)
            let repositoryURL = to
            let samples = verifySamples
            let repository = try await s3.open(repositoryURL, logger: logger)
            let result = try await RepositoryLocker.withCommandLock(
                repository, purpose: "backup", wait: lock.waitLock, settleDelay: lock.lockSettle, logger: logger
            ) { held in
                let source = try await DiscoveredSource.discover(
                    urls: urls, connection: connection, collections: backupOptions.collections,
                    samples: samples, logger: logger)
                let runner = BackupRunner(
                    repository: repository, source: source, options: backupOptions, lock: held, logger: logger)
                let display = globals.progressDisplay(runner.progress, logger: logger)
                display.start()
                defer { display.stop() }
                return try await runner.run()
            }
            if globals.json {
                try JSONOutput.print(result)
            } else if !globals.quiet {
                print(
                    "backup \(result.id) complete: \(result.objects) object(s), \(ByteCount.format(result.bytes)) in \(String(format: "%.1f", result.durationSeconds)) s"
                        + (result.resumed ? " (resumed; \(result.reusedObjects) object(s) reused)" : "")
                        + (result.serverSideCopies > 0
                            ? " (\(result.serverSideCopies) copied server-side; run qsnap verify to record their SHA-256)"
                            : "")
                        + " → \(result.repository)")
            }
        }
    }
}
