import ArgumentParser
import Foundation
import HTTP
import QSnap
import QSnapCore

/// `qsnap repo init REPO [--encryption aes-256-gcm] [--compression zstd[:LEVEL]]`: write a new repository's config.
struct RepoInitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a repository: plain, or encrypted (AES-256-GCM) and compressed (zstd).",
        discussion: """
            An encrypted repository gets a random master key, wrapped with a key derived from the password \
            (QSNAP_PASSWORD, QSNAP_PASSWORD_FILE or --password-command) by scrypt. A repository that already has a \
            config or backups is refused (exit 3): a plain repository stays plain.

            Examples:
              QSNAP_PASSWORD_FILE=/etc/qsnap/pw qsnap repo init s3://backups/prod --encryption aes-256-gcm --compression zstd:3
              qsnap repo init ./backups
            """)

    @OptionGroup var globals: GlobalOptions

    @Argument(
        help: "The repository: a directory, file:///path, or s3://bucket/prefix.",
        transform: RepositoryLocation.init(parsing:))
    var repo: RepositoryLocation

    @Option(help: "none (default) or aes-256-gcm.")
    var encryption: String = "none"

    @Option(help: "With encryption: none, zstd (level 3) or zstd:LEVEL (1…19). Default none.")
    var compression: String = "none"

    @OptionGroup var s3: RepositoryOptions

    func validate() throws {
        guard ["none", "aes-256-gcm"].contains(encryption) else {
            throw ValidationError("--encryption must be none or aes-256-gcm")
        }
    }

    func run() async throws {
        try await CommandRunner.run(globals) { logger in
            let (repo, s3, encrypted) = (self.repo, self.s3, encryption == "aes-256-gcm")
            let compression = try ObjectCompression(parsing: self.compression)
            let raw = try await s3.openStore(repo, logger: logger)
            let password = encrypted ? try PasswordSource.current(command: s3.passwordCommand) : nil
            let result = try await RepositoryKeyring.initialize(
                raw, encrypted: encrypted, compression: compression,
                password: password)
            if globals.json {
                try JSONOutput.print(result)
            } else {
                print(
                    "initialised \(result.repository): encryption \(result.encryption), compression \(result.compression)"
                        + (result.keyID.map { ", key \($0)" } ?? ""))
            }
        }
    }
}
