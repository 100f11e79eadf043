import ArgumentParser

/// `qsnap repo`: look into an S3 repository (list, copy, print, remove, presign, incomplete uploads).
struct RepoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repo",
        abstract: "Look into an S3 repository: list, copy, print, remove, presign.",
        discussion: """
            Credentials, region and endpoint come from the usual AWS settings: AWS_ACCESS_KEY_ID, \
            AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_PROFILE with ~/.aws/credentials and ~/.aws/config \
            (region, endpoint_url), AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_S3, AWS_REGION / AWS_DEFAULT_REGION. \
            Secrets are never printed, not even with --verbose.

            Examples:
              qsnap repo ls s3://backups/prod/
              qsnap repo cp ./c.snapshot s3://backups/prod/c.snapshot
              qsnap repo cp --resume ./c.snapshot s3://backups/prod/c.snapshot
              qsnap repo cat s3://backups/prod/manifest.json
              qsnap repo presign --expires 3600 s3://backups/prod/c.snapshot
              qsnap repo uploads --abort s3://backups/prod/
              qsnap repo init s3://backups/prod --encryption aes-256-gcm --compression zstd:3
            """,
        subcommands: [
            RepoListCommand.self, RepoCopyCommand.self, RepoCatCommand.self, RepoRemoveCommand.self,
            RepoPresignCommand.self, RepoUploadsCommand.self, RepoInitCommand.self,
        ])
}
