import ArgumentParser
import Foundation
import HTTP
import Logging
import QSnap
import QSnapCore
import Qdrant

/// `qsnap restore`: gates, then an atomic restore into fresh collections and one alias switch.
struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Restore collections from a backup into fresh collections, verify them, then switch the aliases.",
        discussion: """
            Runs the same gates as `qsnap check` (exit 3 when one refuses; each is skipped only by its own \
            --force-… flag). Then recovers every snapshot into a new collection <name>-qsnap-<backup id>, \
            verifies it (exact count, shards Active, sampled points identical, a query answers) and points the \
            alias <name> (and the aliases recorded in the backup) at it in one request. On any failure before \
            the switch the new collection is deleted and nothing else changes. The collection the alias pointed \
            at before keeps the alias <alias>-qsnap-previous for rollback.

            From an S3 repository the nodes pull their snapshots themselves from presigned URLs by default
            (--transport auto), each object read and inspected once by qsnap first; a node that cannot reach
            the store gets it uploaded instead. Directory and encrypted repositories upload.

            Examples:
              qsnap restore latest --repo ./backups --target http://localhost:6333
              qsnap restore 20261121T101500Z-ab12cd --repo s3://bucket/qdrant --target http://n1:6333,http://n2:6333,http://n3:6333 --transport url
              qsnap restore latest --repo ./backups --target http://localhost:6333 --collection docs --as docs-copy --dry-run
            """)

    @OptionGroup var globals: GlobalOptions
    @OptionGroup var selection: RestoreSelectionOptions

    @Option(
        help:
            "auto (default: presigned URLs from an S3 repository, upload otherwise), upload (stream the object into …/snapshots/upload) or url (the node downloads a presigned S3 URL, or --object-base-url + key)."
    )
    var transport: String = "auto"

    @Option(
        help: "For --transport url with a directory repository: the HTTP URL where the repository directory is served.")
    var objectBaseURL: String?

    @Option(help: "Seconds a presigned URL stays valid (--transport url with S3).")
    var presignExpiry: Int = 3600

    @Option(help: "Seconds verification waits for every replica of the restored collection to become Active.")
    var verifyTimeout: Double = 120

    @Flag(help: "Print the plan and the gates; change nothing.")
    var dryRun = false

    func validate() throws {
        guard RestoreTransport(rawValue: transport) != nil else {
            throw ValidationError("--transport must be auto, upload or url")
        }
        guard (1...604_800).contains(presignExpiry) else {
            throw ValidationError("--presign-expiry must be 1…604800 seconds")
        }
        try selection.validateValues()
    }

    func run() async throws {
        try await CommandRunner.run(globals) { logger in
            var options = try selection.options()
            options.transport = RestoreTransport(rawValue: transport)!
            options.verifyTimeout = verifyTimeout
            options.objectBaseURL = objectBaseURL
            options.presignExpiry = presignExpiry
            let finalOptions = options
            let (repository, manifest, target) = try await selection.load(logger: logger)
            let resolved = finalOptions.resolvingTransport(for: repository)
            let plan = try await RestorePlanner(manifest: manifest, target: target, options: resolved).plan()
            var result: RestoreResult?
            if !dryRun && !plan.refused {
                if resolved.transport == .url, repository is EncryptedRepository {
                    throw QSnapError(
                        .restoreTransportEncrypted,
                        "an encrypted repository cannot be restored with --transport url: the node would download bytes it cannot decrypt; use --transport upload"
                    )
                }
                if resolved.transport == .url, repository.localRoot != nil, resolved.objectBaseURL == nil {
                    throw QSnapError(
                        .restoreTransport,
                        "--transport url with a directory repository needs --object-base-url")
                }
                let runner = RestoreRunner(
                    manifest: manifest, target: target, plan: plan, repository: repository,
                    options: resolved, logger: logger)
                let display = globals.progressDisplay(runner.progress, logger: logger)
                display.start()
                defer { display.stop() }
                result = try await runner.run()
            }
            if let result {
                if globals.json {
                    try JSONOutput.print(result)
                } else if !globals.quiet {
                    for c in result.collections {
                        print("restored \(c.source) → \(c.collection): \(c.recoveries.count) recover(ies)")
                        for check in c.checks { print("  \(check.line)") }
                    }
                    for (alias, collection) in result.aliases.sorted(by: { $0.key < $1.key }) {
                        print("alias \(alias) → \(collection)")
                    }
                    for (alias, collection) in result.previous.sorted(by: { $0.key < $1.key }) {
                        print("rollback: alias \(alias) → \(collection)")
                    }
                    print(String(format: "restore of %@ complete in %.1f s", result.backupID, result.durationSeconds))
                }
                return
            }
            if globals.json {
                try JSONOutput.print(plan)
            } else if !globals.quiet {
                CheckCommand.render(plan, dryRun: dryRun)
            }
            if let refusal = plan.refusal { try CheckCommand.refuse(refusal, json: globals.json) }
        }
    }
}

/// The options `qsnap check` and `qsnap restore` share.
struct RestoreSelectionOptions: ParsableArguments {
    @Argument(help: "The backup id, or 'latest'.")
    var backup: String

    @Option(
        help: "The repository: a directory, file:///path, or s3://bucket/prefix.",
        transform: RepositoryLocation.init(parsing:))
    var repo: RepositoryLocation

    @Option(help: "REST URL(s) of every target node, comma-separated.")
    var target: String

    @Option(name: .customLong("collection"), help: "A collection of the backup to restore (repeatable; default: all).")
    var collections: [String] = []

    @Option(name: .customLong("as"), help: "Restore the (one) collection under this base name.")
    var asName: String?

    @Option(help: "The alias to switch (one collection; default: the base name).")
    var alias: String?

    @Option(
        name: .customLong("map"),
        help:
            "SRC_PEER=TARGET_URL: send that source peer's snapshots to that node (repeatable; default: source peers in peer-id order ↔ target URLs in order, adjusted to the target's shard placement)."
    )
    var maps: [String] = []

    @Option(help: "A path on the target's storage filesystem (target on this host): use its statvfs free space.")
    var storagePath: String?

    @Option(help: "Api key or JWT of the target (default: the variable named by --target-api-key-env).")
    var apiKey: String?

    @Option(help: "The environment variable holding the target's api key or JWT.")
    var targetApiKeyEnv: String = "QDRANT_API_KEY"

    @OptionGroup var connectionOptions: QdrantConnectionOptions

    @Flag(help: "Skip the version gate.") var forceVersion = false
    @Flag(help: "Skip the disk gate.") var forceDisk = false
    @Flag(help: "Skip the RAM gate.") var forceRam = false
    @Flag(help: "Skip the topology gate.") var forceTopology = false
    @Flag(help: "Switch aliases that point at collections qsnap did not restore.") var takeOverAlias = false

    @OptionGroup var s3: RepositoryOptions

    var targetURLs: [String] {
        target.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    func validateValues() throws {
        guard !targetURLs.isEmpty else { throw ValidationError("--target needs at least one URL") }
        _ = try peerMap()
    }

    func peerMap() throws -> [UInt64: String] {
        var map: [UInt64: String] = [:]
        for m in maps {
            let parts = m.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, let peer = UInt64(parts[0]), !parts[1].isEmpty else {
                throw ValidationError(
                    "--map takes SRC_PEER=TARGET_URL (a source peer id, e.g. 12345=http://n1:6333), not \(m)")
            }
            map[peer] = parts[1]
        }
        return map
    }

    func options() throws -> RestoreOptions {
        var force: Set<RestoreGateResult.Gate> = []
        if forceVersion { force.insert(.version) }
        if forceDisk { force.insert(.disk) }
        if forceRam { force.insert(.ram) }
        if forceTopology { force.insert(.topology) }
        if takeOverAlias { force.insert(.alias) }
        return RestoreOptions(
            collections: collections.isEmpty ? nil : collections, asName: asName, alias: alias,
            peerMap: try peerMap(), force: force)
    }

    /// The target's connection: key, TLS, node URLs.
    func targetConnection() throws -> QdrantConnection {
        try connectionOptions.connection(apiKey: apiKey, keyEnv: targetApiKeyEnv)
    }

    /// Opens the repository, reads the manifest and probes the target.
    func load(logger: Logger) async throws -> (any Repository, BackupManifest, RestoreTarget) {
        let repository = try await s3.open(repo, logger: logger)
        let manifest = try await ManifestStore.read(try ManifestStore.resolve(backup, in: repository), from: repository)
        let target = try await RestoreTarget.discover(
            urls: targetURLs, connection: try targetConnection(), storagePath: storagePath,
            logger: logger)
        return (repository, manifest, target)
    }
}
