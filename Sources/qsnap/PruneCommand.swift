import ArgumentParser
import Foundation
import HTTP
import QSnap
import QSnapCore
import Qdrant

/// `qsnap prune`: apply a retention policy to a repository (and to the snapshots stored on the nodes).
struct PruneCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune",
        abstract: "Delete the backups a retention policy no longer keeps (dry run unless --yes).",
        discussion: """
            Plans with restic's forget semantics (keep-last, -hourly … -yearly, keep-within, keep-tags matched
            against the manifests' tags; UTC buckets; a backup kept by any rule stays) plus pins (the policy's and
            pinned manifests), the newest verified backup and a cap on deletions per run,
            all from the policy file (see policies/README.md). Without --yes it only prints, for every backup,
            whether it is kept and why.

            With --yes it takes the repository lock and deletes each forgotten backup: its objects first and its
            manifest last. It also removes interrupted backups (a journal without manifest) older than
            --interrupted-grace-hours, with their unfinished uploads, and finishes deletions an interrupted prune left.
            With --qdrant the same policy prunes the snapshots stored on those nodes (per collection, shard and
            full storage, by their creation time).

            Examples:
              qsnap prune --repo ./backups --policy policies/retention/default.yaml
              qsnap prune --repo s3://bucket/qdrant --policy gfs.yaml --yes
              qsnap prune --repo ./backups --policy default.yaml --qdrant http://n1:6333,http://n2:6333 --yes
            """)

    @OptionGroup var globals: GlobalOptions

    @Option(
        help: "The repository: a directory, file:///path, or s3://bucket/prefix.",
        transform: RepositoryLocation.init(parsing:))
    var repo: RepositoryLocation

    @Option(help: "The retention policy file (YAML).")
    var policy: String

    @Flag(help: "Delete; without it nothing is changed.")
    var yes = false

    @Option(help: "REST URL(s) of nodes whose stored snapshots to prune too, comma-separated.")
    var qdrant: String?

    @Option(help: "Api key of the nodes (default: QDRANT_API_KEY).")
    var apiKey: String?

    @OptionGroup var connectionOptions: QdrantConnectionOptions

    @Option(help: "Hours a backup without manifest must age before it counts as abandoned.")
    var interruptedGraceHours: Double = 24

    @OptionGroup var lock: LockOptions

    @OptionGroup var s3: RepositoryOptions

    func validate() throws {
        guard interruptedGraceHours >= 0 else { throw ValidationError("--interrupted-grace-hours must be ≥ 0") }
    }

    func run() async throws {
        try await CommandRunner.run(globals) { logger in
            guard let data = FileManager.default.contents(atPath: policy) else {
                throw QSnapError(
                    .retentionPolicy,
                    "the policy file \(policy) cannot be read; give an existing YAML file with --policy")
            }
            let parsed = try RetentionPolicy.parse(yaml: String(decoding: data, as: UTF8.self), file: policy)
            let options = PruneRunner.Options(
                policy: parsed, execute: yes, interruptedGrace: interruptedGraceHours * 3600)
            let urls = (qdrant ?? "").split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty }
            let connection = try connectionOptions.connection(apiKey: apiKey)
            let repository = try await s3.open(repo, logger: logger)
            @Sendable func prune(_ held: HeldRepositoryLock?) async throws -> PruneReport {
                var report = try await PruneRunner(repository: repository, options: options, lock: held, logger: logger)
                    .run()
                if !urls.isEmpty {
                    report.serverSnapshots = try await ServerSnapshotPruner(
                        urls: urls, connection: connection, options: options, logger: logger
                    ).run()
                }
                return report
            }
            let report: PruneReport
            if yes {
                report = try await RepositoryLocker.withCommandLock(
                    repository, purpose: "prune", wait: lock.waitLock, settleDelay: lock.lockSettle, logger: logger,
                    prune)
            } else {
                report = try await prune(nil)
            }
            if globals.json {
                try JSONOutput.print(report)
            } else if !globals.quiet {
                for line in report.textLines() { print(line) }
            }
        }
    }
}
