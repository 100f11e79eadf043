import ArgumentParser
import Foundation
import HTTP
import QSnap
import QSnapCore

/// `qsnap snapshot download NAME`: one snapshot to a local file, checked against Qdrant's checksum.
struct SnapshotDownloadCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "download",
        abstract: "Download a snapshot to a local file, verified against Qdrant's checksum.",
        discussion: """
            The bytes stream into a temporary file in the destination directory with their SHA-256 computed in \
            the same pass, checked against Qdrant's checksum (the listing's checksum field, else the node's \
            .checksum sidecar) and the listed size, then renamed into place with a NAME.checksum sidecar beside \
            it. A mismatch removes the temporary file and exits 4.

            Examples:
              qsnap snapshot download docs-1-2026-01-02-03-04-05.snapshot --qdrant http://n1:6333 --collection docs --output ./
              qsnap snapshot download full-snapshot-2026-01-02-03-04-05.snapshot --qdrant http://localhost:6333 --output /backups/full.snapshot
            """)

    @OptionGroup var globals: GlobalOptions

    @Argument(help: "The snapshot's file name (see qsnap snapshot list).")
    var name: String

    @OptionGroup var target: SnapshotScopeOptions

    @Option(help: "REST URL of the node holding it (default: the one node listing it).")
    var node: String?

    @Option(name: [.short, .long], help: "A directory (the file keeps its name) or a file path.")
    var output: String

    func run() async throws {
        try await CommandRunner.run(globals) { logger in
            let (urls, scope, key) = (target.urls, target.scope, try target.connection())
            let snapshots = try await ServerSnapshots.connect(urls: urls, connection: key, logger: logger)
            let result: SnapshotDownloadResult = try await SnapshotDownloader(snapshots: snapshots, logger: logger)
                .download(scope, name: name, node: node, output: output)
            if globals.json {
                try JSONOutput.print(result)
            } else if !globals.quiet {
                print(
                    "\(result.path)  \(ByteCount.format(result.size))  sha256 \(result.sha256)  "
                        + (result.verified ? "(matches Qdrant's checksum)" : "(the node has no checksum: not verified)")
                )
            }
        }
    }
}
