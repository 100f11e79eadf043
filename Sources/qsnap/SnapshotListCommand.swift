import ArgumentParser
import Foundation
import HTTP
import QSnap
import QSnapCore

/// `qsnap snapshot list`: every node's snapshots of the scope.
struct SnapshotListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List every node's snapshots of the scope: node, name, size, checksum.",
        discussion: """
            Examples:
              qsnap snapshot list --qdrant http://n1:6333 --collection docs
              qsnap snapshot list --qdrant http://localhost:6333 --json
            """)

    @OptionGroup var globals: GlobalOptions
    @OptionGroup var target: SnapshotScopeOptions

    func run() async throws {
        try await CommandRunner.run(globals) { logger in
            let (urls, scope, key) = (target.urls, target.scope, try target.connection())
            let listed: [ServerSnapshotEntry] = try await ServerSnapshots.connect(
                urls: urls, connection: key, logger: logger
            ).list(scope)
            if globals.json {
                try JSONOutput.print(["snapshots": listed])
            } else if !globals.quiet {
                if listed.isEmpty { print("no snapshots of \(scope)") }
                SnapshotEntryPrinter.print(listed)
            }
        }
    }
}
