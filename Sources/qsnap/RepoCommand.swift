import ArgumentParser

/// `qsnap repo`: look into an S3 repository (list, copy, print, remove, presign, incomplete uploads).
struct RepoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "repo",
        abstract: "Look into an S3 repository: list, copy, print, remove, presign.",
        discussion: """
            Credentials come from the AWS default chain: AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / \
            AWS_SESSION_TOKEN, web identity (AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN, EKS IRSA), the profile \
            (AWS_PROFILE with ~/.aws/credentials and ~/.aws/config: keys, role_arn + source_profile, \
            credential_process), container credentials (ECS, EKS Pod Identity), then EC2 instance metadata; \
            temporary credentials are refreshed before they expire. Region and endpoint: AWS_REGION / \
            AWS_DEFAULT_REGION, AWS_ENDPOINT_URL / AWS_ENDPOINT_URL_S3, the profile's region and endpoint_url. \
            Secrets are never printed, not even with --verbose (which names the credential source).

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
