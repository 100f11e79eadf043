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

    /// What the switch did.
    struct Outcome: Codable {
        var alias: String
        var from: String?
        var to: String
    }

    func run() async throws {
        try await CommandRunner.run(globals) { logger in
            let (alias, to, url, connection) = (
                self.alias, self.to, self.qdrant, try connectionOptions.connection(apiKey: apiKey)
            )
            // Blocking: the operation is synchronous (its requests wait on the libcurl event loop); task groups replace this bridge.
            let outcome: Outcome = try await Blocking.run {
                let client = connection.client(url, logger: logger)
                try QdrantAccessCheck(role: "target", client: client, logger: logger).require(
                    .manage(operation: "alias switch"))
                let collections = try client.listCollections()
                guard collections.contains(to) else {
                    throw QSnapError(
                        .usage("alias.target"),
                        "collection \(to) does not exist (an alias is not accepted as target); it has: "
                            + collections.joined(separator: ", "))
                }
                if collections.contains(alias) {
                    throw QSnapError(
                        .refused("alias.collision"),
                        "\(alias) is a collection, not an alias; Qdrant cannot create an alias with a "
                            + "collection's name")
                }
                let info = try client.collectionInfo(to)
                guard info.status == "green" else {
                    throw QSnapError(
                        .refused("alias.not-green"),
                        "collection \(to) is \(info.status), not green; wait for its optimisation to finish, then switch"
                    )
                }
                let from = try client.listAliases().first { $0.aliasName == alias }?.collectionName
                try client.updateAliases([.delete(alias: alias), .create(collection: to, alias: alias)])
                return Outcome(alias: alias, from: from, to: to)
            }
            if globals.json {
                try JSONOutput.print(outcome)
            } else if !globals.quiet {
                print("alias \(outcome.alias): \(outcome.from ?? "(new)") → \(outcome.to)")
            }
        }
    }
}
