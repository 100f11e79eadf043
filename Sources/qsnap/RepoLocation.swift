import QSnapCore

/// An `s3://bucket/key` argument or a local path (`-` = standard input/output).
enum RepoLocation: Equatable {
    case s3(bucket: String, key: String)
    case local(String)

    init(_ text: String) throws {
        guard text.hasPrefix("s3://") else {
            self = .local(text)
            return
        }
        let rest = text.dropFirst(5)
        let bucket = rest.prefix { $0 != "/" }
        guard !bucket.isEmpty else {
            throw QSnapError(.usage("repo.url"), "'\(text)' has no bucket; write s3://BUCKET/KEY")
        }
        let key = rest.dropFirst(bucket.count + (rest.count > bucket.count ? 1 : 0))
        self = .s3(bucket: String(bucket), key: String(key))
    }

    var isS3: Bool { if case .s3 = self { return true } else { return false } }
}
