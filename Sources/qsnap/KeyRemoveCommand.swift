import ArgumentParser
import Foundation
import HTTP
import QSnap
import QSnapCore

/// `qsnap key remove ID --repo REPO`: delete a key file (not the one in use).
struct KeyRemoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "remove",
        abstract: "Remove a key; its password no longer opens the repository.",
        discussion: "The key the current password opened cannot be removed (exit 3); an unknown id exits 2.")

    @OptionGroup var globals: GlobalOptions

    @Argument(help: "The key id (see qsnap key list).")
    var id: String

    @Option(
        help: "The repository: a directory, file:///path, or s3://bucket/prefix.",
        transform: RepositoryLocation.init(parsing:))
    var repo: RepositoryLocation

    @OptionGroup var s3: RepositoryOptions

    func run() async throws {
        try await CommandRunner.run(globals) { logger in
            try await RepositoryKeyring.remove(id, from: KeyOpening.open(repo, s3: s3, logger: logger))
            if globals.json {
                try JSONOutput.print(["removed": id])
            } else {
                print("removed key \(id)")
            }
        }
    }
}
