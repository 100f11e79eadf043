import ArgumentParser
import Foundation
import HTTP
import QSnap
import QSnapCore
import Qdrant

/// `qsnap snapshot recover FILE`: inspects a local archive as a restore does, then uploads it into a node.
struct SnapshotRecoverCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "recover",
        abstract: "Recover a local snapshot archive into a collection (or shard) of one node, after inspecting it.",
        discussion: """
            Before any node sees it, the archive is inspected deep (every entry at every level: paths, links, \
            special files, duplicates, truncation, non-tar input, decompression bombs) with its SHA-256 computed \
            in the same pass and compared with --checksum or FILE.checksum. An unsafe or damaged archive is \
            refused (exit 3), a checksum mismatch fails (exit 4); nothing is sent. It is then uploaded to \
            …/snapshots/upload with its SHA-256 as checksum, through the same inspection as qsnap restore.

            Examples:
              qsnap snapshot recover ./docs-1-2026-01-02-03-04-05.snapshot --qdrant http://dr:6333 --collection docs
              qsnap snapshot recover ./docs-shard-0.snapshot --qdrant http://dr:6333 --collection docs --shard 0 --priority replica
            """)

    @OptionGroup var globals: GlobalOptions

    @Argument(help: "The snapshot archive (plain tar, as Qdrant writes it).")
    var file: String

    @Option(help: "REST URL of the node to recover on.")
    var qdrant: String

    @Option(help: "The collection to recover into (created from a collection snapshot when missing).")
    var collection: String

    @Option(help: "Recover a shard snapshot into this shard.")
    var shard: Int?

    @Option(help: "snapshot (default), replica or no_sync: the source of truth for the shard's replicas.")
    var priority: String = SnapshotPriority.snapshot.rawValue

    @Option(help: "Expected SHA-256 of FILE (default: FILE.checksum when present).")
    var checksum: String?

    @Option(help: "Api key (default: QDRANT_API_KEY).")
    var apiKey: String?

    @OptionGroup var connectionOptions: QdrantConnectionOptions

    func validate() throws {
        guard !qdrant.contains(",") else { throw ValidationError("--qdrant takes one node: recover runs on one node") }
        guard SnapshotPriority(rawValue: priority) != nil else {
            throw ValidationError(
                "--priority must be one of \(SnapshotPriority.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if let shard, shard < 0 { throw ValidationError("--shard must be 0 or more") }
        guard !collection.isEmpty else { throw ValidationError("--collection must not be empty") }
    }

    func run() async throws {
        try await CommandRunner.run(globals) { logger in
            let scope: SnapshotScope = shard.map { .shard(collection, $0) } ?? .collection(collection)
            let (file, url, key, checksum) = (
                self.file, self.qdrant, try connectionOptions.connection(apiKey: apiKey), self.checksum
            )
            let priority = SnapshotPriority(rawValue: self.priority)!
            let result: SnapshotRecoveryResult = try await SnapshotRecovery(logger: logger).recover(
                file: file, into: scope, url: url, connection: key,
                priority: priority, checksum: checksum)
            if globals.json {
                try JSONOutput.print(result)
            } else if !globals.quiet {
                print(
                    "\(result.file) (\(ByteCount.format(result.size)), sha256 \(result.sha256)) recovered into "
                        + "\(scope) on \(result.node)")
            }
        }
    }
}
