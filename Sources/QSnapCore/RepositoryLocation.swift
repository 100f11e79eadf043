/// Where a repository or an object lives, parsed once from a command-line argument or a job file.
///
/// Written as `s3://BUCKET[/KEY-OR-PREFIX]`, `file:///absolute/path`, a plain path, or `-` (standard input or
/// output, for `qsnap repo cp` and `cat`). The display form (``description``) never carries credentials: a location
/// with `user:password@` is refused when parsed.
public enum RepositoryLocation: Sendable, Hashable, CustomStringConvertible {
    /// An S3 bucket and the key or key prefix after `s3://BUCKET/`, as written (may be empty or end in `/`).
    case s3(bucket: String, key: String)
    /// A local directory or file path; `file:///abs/path` arrives as `/abs/path`.
    case local(String)
    /// `-`: standard input or standard output.
    case standardStream

    /// Parses a location.
    ///
    /// - Throws: `QSnapError` `.repoUrl` for an `s3://` location without a bucket or with credentials, or
    ///   for a scheme other than `s3://` and `file://`; `.repoPath` for an empty path.
    public init(parsing text: String) throws {
        if text == "-" {
            self = .standardStream
        } else if text.hasPrefix("s3://") {
            let rest = text.dropFirst("s3://".count)
            let bucket = rest.prefix { $0 != "/" }
            guard !bucket.isEmpty else {
                throw QSnapError(.repoUrl, "'\(text)' has no bucket; write s3://BUCKET/PREFIX")
            }
            guard !bucket.contains("@") else {
                throw QSnapError(
                    .repoUrl,
                    "an s3:// location must not carry credentials (user:password@); credentials come from the "
                        + "environment or the AWS profile")
            }
            let key = rest.dropFirst(bucket.count + (rest.count > bucket.count ? 1 : 0))
            self = .s3(bucket: String(bucket), key: String(key))
        } else if text.hasPrefix("file://") {
            self = .local(try Self.path(String(text.dropFirst("file://".count))))
        } else if text.contains("://") {
            let scheme = text.prefix { $0 != ":" }
            throw QSnapError(
                .repoUrl,
                "unsupported repository scheme '\(scheme)://'; use s3://BUCKET/PREFIX or a directory")
        } else {
            self = .local(try Self.path(text))
        }
    }

    private static func path(_ text: String) throws -> String {
        guard !text.isEmpty else {
            throw QSnapError(.repoPath, "the repository path is empty; give a directory such as ./backups")
        }
        return text
    }

    /// True for an S3 location.
    public var isS3: Bool {
        if case .s3 = self { return true }
        return false
    }

    /// `s3://bucket/key`, the path, or `-`.
    public var description: String {
        switch self {
        case .s3(let bucket, let key): return "s3://\(bucket)" + (key.isEmpty ? "" : "/\(key)")
        case .local(let path): return path
        case .standardStream: return "-"
        }
    }
}
