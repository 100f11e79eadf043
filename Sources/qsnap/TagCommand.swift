import ArgumentParser
import QSnapCore

/// `qsnap tag ID TAG…`: add tags to a backup's manifest (matched by a retention policy's `keep-tags`).
struct TagCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tag",
        abstract: "Add tags to a backup (a policy's keep-tags keeps tagged backups).",
        discussion: """
            Rewrites the backup's manifest atomically under the repository lock. Tags are 1–64 ASCII letters,
            digits and -_.:@+=/ (no commas: keep-tags combines tags with one).

            Examples:
              qsnap tag latest release audited --repo ./backups
              qsnap tag 20261121T103000Z-1a2b3c release --repo s3://bucket/qdrant --wait-lock 60
            """)

    @OptionGroup var globals: GlobalOptions

    @Argument(help: "The backup id, or 'latest'.")
    var id: String

    @Argument(help: "The tags to add.")
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
        try await LabelEditing.run(.tag(tags), id: id, repo: repo, s3: s3, lock: lock, globals: globals)
    }
}
