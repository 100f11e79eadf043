import ArgumentParser
import Foundation
import HTTP
import QSnap
import QSnapCore

/// `qsnap show ID`: one backup's manifest.
struct ShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "Show a backup's manifest.")

    @OptionGroup var globals: GlobalOptions

    @Argument(help: "The backup id, or 'latest'.")
    var id: String

    @Option(
        help: "The repository: a directory, file:///path, or s3://bucket/prefix.",
        transform: RepositoryLocation.init(parsing:))
    var repo: RepositoryLocation

    @OptionGroup var s3: RepositoryOptions

    func run() async throws {
        try await CommandRunner.run(globals) { logger in
            let repository = try await s3.open(repo, logger: logger)
            var m: BackupManifest = try await ManifestStore.read(
                try await ManifestStore.resolve(id, in: repository), from: repository)
            m.labels = m.labels  // older manifests lack tags and pinned: show them explicitly
            if globals.json { try JSONOutput.print(m); return }
            print("backup \(m.id) (\(m.kind.rawValue)), \(m.startedAt) → \(m.completedAt), qsnap \(m.qsnapVersion)")
            let labels = m.labels
            print(
                "tags: \(labels.tags.isEmpty ? "none" : labels.tags.joined(separator: ", ")); \(labels.pinned ? "pinned" : "not pinned")"
            )
            print(
                "source: Qdrant \(m.source.qdrantVersion), \(m.source.clusterEnabled ? "cluster of \(m.source.nodes.count) peers" : "single node")"
            )
            for n in m.source.nodes { print("  node \(n.peerId.map(String.init) ?? "-") \(n.url) (\(n.version))") }
            for c in m.collections {
                let summary = CollectionConfigSummary(config: c.config)
                print(
                    "collection \(c.name): \(c.pointsCount) points, \(summary.shardNumber ?? 0) shard(s), status \(c.status)"
                )
                for p in c.placement {
                    print(
                        "  shard \(p.shardId): "
                            + p.replicas.map {
                                "peer \($0.peerId) \($0.state)" + ($0.pointsCount.map { " (\($0) points)" } ?? "")
                            }.joined(separator: ", "))
                }
            }
            print(
                "aliases: "
                    + (m.aliases.isEmpty
                        ? "none" : m.aliases.map { "\($0.alias) → \($0.collection)" }.joined(separator: ", ")))
            for o in m.objects {
                let sha = o.sha256 ?? "not recorded yet (copied server-side; run qsnap verify)"
                print(
                    "object \(o.key)  \(ByteCount.format(o.size))  sha256 \(sha)  node \(o.nodeURL)"
                        + (o.copiedFrom.map { "  copied from \($0)" } ?? ""))
            }
            print(
                "checksums verified against Qdrant's: \(m.checksumsVerifiedAgainstQdrant ? "yes" : "no (a node gave none)")"
            )
        }
    }
}
