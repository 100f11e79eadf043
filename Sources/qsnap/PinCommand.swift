import ArgumentParser
import QSnapCore

/// `qsnap pin ID`: mark a backup pinned in its manifest (no prune deletes it; forget needs --force).
struct PinCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pin",
        abstract: "Pin a backup: no prune deletes it, and forget refuses it without --force.",
        discussion: """
            Rewrites the backup's manifest atomically under the repository lock.

            Example:
              qsnap pin latest --repo ./backups
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
        try await LabelEditing.run(.pin, id: id, repo: repo, s3: s3, lock: lock, globals: globals)
    }
}
