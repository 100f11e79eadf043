import ArgumentParser
import Foundation
import HTTP
import QSnap
import QSnapCore

/// `qsnap key list --repo REPO`: the keys, the one in use marked.
struct KeyListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List the keys; the one the password opened is marked.")

    @OptionGroup var globals: GlobalOptions

    @Option(
        help: "The repository: a directory, file:///path, or s3://bucket/prefix.",
        transform: RepositoryLocation.init(parsing:))
    var repo: RepositoryLocation

    @OptionGroup var s3: RepositoryOptions

    func run() async throws {
        try await CommandRunner.run(globals) { logger in
            let keys = try await RepositoryKeyring.list(await KeyOpening.open(repo, s3: s3, logger: logger))
            if globals.json {
                struct Listing: Encodable { var keys: [RepositoryKeyring.KeySummary] }
                try JSONOutput.print(Listing(keys: keys))
            } else {
                for k in keys { print("\(k.current ? "*" : " ") \(k.id)  \(k.created)  \(k.host)") }
            }
        }
    }
}
