import ArgumentParser
import Foundation
import HTTP
import QSnap
import QSnapCore
import Qdrant

/// `qsnap alias switch ALIAS --to COLLECTION`: one `POST /collections/aliases` (delete + create).
struct AliasSwitchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "switch",
        abstract: "Point an alias at another collection in one request (e.g. after an embedding-model migration).",
        discussion: """
            Checks that the collection exists and is green, then deletes and re-creates the alias in one \
            request, so readers never see it missing. Exit 3 when the collection is not green or the alias name \
            is taken by a collection.

            Example:
              qsnap alias switch prod --to docs-v2 --qdrant http://localhost:6333
            """)

    @OptionGroup var globals: GlobalOptions

    @Argument(help: "The alias.")
    var alias: String

    @Option(help: "The collection the alias should point at.")
    var to: String

    @Option(help: "REST URL of a node.")
    var qdrant: String

    @Option(help: "Api key (default: QDRANT_API_KEY).")
    var apiKey: String?

    @OptionGroup var connectionOptions: QdrantConnectionOptions

    func run() async throws {
        try await CommandRunner.run(globals) { logger in
            let (alias, to, url, connection) = (
                self.alias, self.to, self.qdrant, try connectionOptions.connection(apiKey: apiKey)
            )
            let outcome: AliasSwitch.Outcome = try await AliasSwitch(
                client: connection.client(url, logger: logger), logger: logger
            ).run(
                alias: alias, to: to)
            if globals.json {
                try JSONOutput.print(outcome)
            } else if !globals.quiet {
                print("alias \(outcome.alias): \(outcome.from ?? "(new)") → \(outcome.to)")
            }
        }
    }
}
