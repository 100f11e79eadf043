import ArgumentParser
import Foundation
import HTTP
import QSnap
import QSnapCore

/// `qsnap key add --repo REPO`: wrap the master key under a new password.
struct KeyAddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add", abstract: "Add a key: the master key wrapped under a new password.")

    @OptionGroup var globals: GlobalOptions

    @Option(
        help: "The repository: a directory, file:///path, or s3://bucket/prefix.",
        transform: RepositoryLocation.init(parsing:))
    var repo: RepositoryLocation

    @Option(
        name: .customLong("new-password-file"), help: "A file holding the new password (default: QSNAP_NEW_PASSWORD).")
    var newPasswordFile: String?

    @Option(name: .customLong("new-password-command"), help: "A shell command printing the new password.")
    var newPasswordCommand: String?

    @OptionGroup var s3: RepositoryOptions

    func run() async throws {
        try await CommandRunner.run(globals) { logger in
            let (repo, s3, file, command) = (self.repo, self.s3, newPasswordFile, newPasswordCommand)
            let repository = try await KeyOpening.open(repo, s3: s3, logger: logger)
            guard let password = try PasswordSource.new(file: file, command: command) else {
                throw QSnapError(
                    .keyPasswordMissing,
                    "give the new password with QSNAP_NEW_PASSWORD, --new-password-file or --new-password-command")
            }
            let added = try await RepositoryKeyring.add(to: repository, password: password)
            if globals.json { try JSONOutput.print(added) } else { print("added key \(added.id)") }
        }
    }
}
