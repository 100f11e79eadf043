import ArgumentParser
import QSnapCore

/// `qsnap unpin ID`: clear a backup's pin.
struct UnpinCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "unpin",
        abstract: "Unpin a backup (retention decides about it again).",
        discussion: """
            Rewrites the backup's manifest atomically under the repository lock. A policy's pins: list still keeps
            the ids it names.

            Example:
              qsnap unpin 20261121T103000Z-1a2b3c --repo ./backups
            """)

    @OptionGroup var globals: GlobalOptions

    @Argument(help: "The backup id, or 'latest'.")
    var id: String

    @Option(
        help: "The repository: a directory, file:///path, or s3://bucket/prefix.",
        transform: RepositoryLocation.init(parsing:))
    var repo: RepositoryLocation

    @OptionGroup var lock: LockOptions

    @OptionGroup var s3: RepositoryOptions

    func run() async throws {
        try await LabelEditing.run(.unpin, id: id, repo: repo, s3: s3, lock: lock, globals: globals)
    }
}
