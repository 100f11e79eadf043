import Foundation
import Logging
import QSnap
import QSnapCore

/// Opens `--to`/`--repo` arguments: `s3://bucket/prefix`, `file:///abs/path`, or a directory path.
enum RepositoryOpener {
    static func open(_ url: String, s3: RepoS3Options, logger: Logger) throws -> any Repository {
        if url.hasPrefix("s3://") {
            let rest = url.dropFirst(5)
            let bucket = String(rest.prefix { $0 != "/" })
            guard !bucket.isEmpty else {
                throw QSnapError(.usage("repo.url"), "'\(url)' has no bucket; write s3://BUCKET/PREFIX")
            }
            let prefix = String(rest.dropFirst(bucket.count))
            return S3Repository(client: try s3.makeClient(bucket: bucket, logger: logger), prefix: prefix,
                                writerOptions: s3.writerOptions)
        }
        if url.contains("://") && !url.hasPrefix("file://") {
            throw QSnapError(.usage("repo.url"), "unsupported repository '\(url)'; use s3://BUCKET/PREFIX or a directory")
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
