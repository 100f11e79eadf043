import ArgumentParser
import QSnapCore

/// `qsnap untag ID TAG…`: remove tags from a backup's manifest.
struct UntagCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "untag",
        abstract: "Remove tags from a backup.",
        discussion: """
            Rewrites the backup's manifest atomically under the repository lock; tags it does not carry are ignored.

            Example:
              qsnap untag latest release --repo ./backups
            """)

    @OptionGroup var globals: GlobalOptions

    @Argument(help: "The backup id, or 'latest'.")
    var id: String

    @Argument(help: "The tags to remove.")
    var tags: [String]

    @Option(
        help: "The repository: a directory, file:///path, or s3://bucket/prefix.",
        transform: RepositoryLocation.init(parsing:))
    var repo: RepositoryLocation

    @OptionGroup var lock: LockOptions

    @OptionGroup var s3: RepositoryOptions

    func validate() throws {
        guard !tags.isEmpty else { throw ValidationError("name at least one tag") }
    }

    func run() async throws {
        try await LabelEditing.run(.untag(tags), id: id, repo: repo, s3: s3, lock: lock, globals: globals)
    }
}
