import ArgumentParser
import Foundation
import HTTP
import QSnap
import QSnapCore

/// `qsnap snapshot create`: a snapshot on every node holding data for the scope.
struct SnapshotCreateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "create",
        abstract: "Create a snapshot on every node holding data for the scope; print node, name, size, checksum.",
        discussion: """
            Snapshots are requested with wait=false on all nodes at once and the listings polled until each is \
            complete (--timeout), so long snapshots do not hit an HTTP timeout. Full-storage snapshots (no \
            --collection) are refused in a cluster (exit 3).

            Examples:
              qsnap snapshot create --qdrant http://localhost:6333
              qsnap snapshot create --qdrant http://n1:6333,http://n2:6333 --collection docs --shard 2 --json
            """)

    @OptionGroup var globals: GlobalOptions
    @OptionGroup var target: SnapshotScopeOptions

    @Option(help: "Seconds to wait for each snapshot to be complete.")
    var timeout: Double = 6 * 3600

    func validate() throws {
        guard timeout > 0 else { throw ValidationError("--timeout must be positive") }
    }

    func run() async throws {
        try await CommandRunner.run(globals) { logger in
            let (urls, scope, key, timeout) = (target.urls, target.scope, try target.connection(), self.timeout)
            let made: [ServerSnapshotEntry] = try await ServerSnapshots.connect(
                urls: urls, connection: key, logger: logger
            ).create(scope, timeout: timeout)
            if globals.json {
                try JSONOutput.print(["snapshots": made])
            } else if !globals.quiet {
                SnapshotEntryPrinter.print(made)
            }
        }
    }
}
