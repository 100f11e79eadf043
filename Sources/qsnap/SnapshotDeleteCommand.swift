import ArgumentParser
import Foundation
import HTTP
import QSnap
import QSnapCore

/// `qsnap snapshot delete NAME`: removes a snapshot (and its checksum sidecar) from the node holding it.
struct SnapshotDeleteCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "delete",
        abstract: "Delete a snapshot from the node holding it.",
        discussion: """
            Example:
              qsnap snapshot delete docs-1-2026-01-02-03-04-05.snapshot --qdrant http://n1:6333 --collection docs
            """)

    @OptionGroup var globals: GlobalOptions

    @Argument(help: "The snapshot's file name (see qsnap snapshot list).")
    var name: String

    @OptionGroup var target: SnapshotScopeOptions

    @Option(help: "REST URL of the node holding it (default: the one node listing it).")
    var node: String?

    func run() async throws {
        try await CommandRunner.run(globals) { logger in
            let (urls, scope, key, name, node) = (
                target.urls, target.scope, try target.connection(), self.name, self.node
            )
            let deleted: ServerSnapshotEntry = try await ServerSnapshots.connect(
                urls: urls, connection: key, logger: logger
            ).delete(
                scope, name: name, node: node)
            if globals.json {
                try JSONOutput.print(["deleted": deleted])
            } else if !globals.quiet {
                print("deleted \(deleted.name) on \(deleted.node)")
            }
        }
    }
}
