import Foundation
import Logging
import QSnap
import QSnapCore

/// Opens `--to`/`--repo` arguments: `s3://bucket/prefix`, `file:///abs/path`, or a directory path.
enum RepositoryOpener {
    /// Opens the repository: a plain one as it is, an encrypted one with its password (``PasswordSource``).
    static func open(_ url: String, s3: RepoS3Options, logger: Logger) throws -> any Repository {
        let raw = try openStore(url, s3: s3, logger: logger)
        let repository = try RepositoryKeyring.open(raw) { try PasswordSource.current(command: s3.passwordCommand) }
        if let encrypted = repository as? EncryptedRepository {
            logger.debug("\(raw.displayURL): encrypted repository opened with key \(encrypted.keyID)")
        }
        return repository
    }

    /// Opens the store itself, without looking at its config (`repo init`).
    static func openStore(_ url: String, s3: RepoS3Options, logger: Logger) throws -> any Repository {
        if url.hasPrefix("s3://") {
            let rest = url.dropFirst(5)
            let bucket = String(rest.prefix { $0 != "/" })
            guard !bucket.isEmpty else {
                throw QSnapError(.usage("repo.url"), "'\(url)' has no bucket; write s3://BUCKET/PREFIX")
            }
            let prefix = String(rest.dropFirst(bucket.count))
            return S3Repository(
                client: try s3.makeClient(bucket: bucket, logger: logger), prefix: prefix,
                writerOptions: s3.writerOptions)
        }
        if url.contains("://") && !url.hasPrefix("file://") {
            throw QSnapError(
                .usage("repo.url"), "unsupported repository '\(url)'; use s3://BUCKET/PREFIX or a directory")
        }
        return try LocalRepository(root: url)
    }
}

/// The source api key: `--api-key` or `QDRANT_API_KEY`.
enum APIKey {
    static func resolve(_ flag: String?) -> String? {
        SecretRegistry.register(flag)
        if let flag, !flag.isEmpty { return flag }
        if let env = ProcessInfo.processInfo.environment["QDRANT_API_KEY"], !env.isEmpty { return env }
        return nil
    }
}
