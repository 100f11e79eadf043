import Foundation

extension JobSpec {
    /// Parses and validates a job file.
    ///
    /// Keys (see `policies/jobs/example-job.yaml`): `name`, `source` (`urls` or `url`, `api-key-env`, `snapshots-bucket`, `snapshots-prefix`),
    /// `repository`, `selection` (`kind`, `collections`), `retention` (inline policy keys, or `file:` alone),
    /// `verify`, `metrics` (`textfile`), `lock` (`ttl`, `wait`, `grace`).
    ///
    /// - Parameters:
    ///   - yaml: the file's contents.
    ///   - file: the file's path: used in messages and to resolve a relative policy file.
    /// - Throws: `QSnapError` `.jobSpec` (or `.retentionPolicy` inside `retention:`) naming the
    ///   file, line and problem; an inline secret such as `api-key: …` is refused without echoing its value.
    public static func parse(yaml: String, file: String) throws -> JobSpec {
        let root = try ConfigYAMLMapping.parseRoot(yaml, file: file, code: .jobSpec, what: "job file")
        try rejectSecrets(root, context: "the job file")
        try root.rejectUnknownKeys(
            allowed: [
                "name", "description", "source", "repository", "selection", "retention", "verify", "metrics", "lock",
            ],
            context: "the job file")

        let defaultName = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
        let name = try root.string("name") ?? defaultName
        guard name.range(of: #"^[A-Za-z0-9._-]{1,64}$"#, options: .regularExpression) != nil else {
            throw root.error(
                root.line(of: "name"),
                "job name '\(name)' must be 1–64 letters, digits, '.', '_' or '-' (it becomes a metrics label)")
        }
        _ = try root.string("description")

        guard let sourceMap = try root.mapping("source") else {
            throw root.error(
                root.line, "missing 'source:' with the Qdrant node URLs (source: {urls: [http://host:6333]})")
        }
        let source = try parseSource(sourceMap)

        guard let repository = try root.string("repository") else {
            throw root.error(root.line, "missing 'repository:' (s3://bucket/prefix or file:///backups/qdrant)")
        }
        let location = try parseRepository(repository, root)

        var selection = Selection()
        if let sel = try root.mapping("selection") {
            try rejectSecrets(sel, context: "'selection'")
            try sel.rejectUnknownKeys(allowed: ["kind", "collections"], context: "'selection'")
            if let kind = try sel.string("kind") {
                guard let k = Selection.Kind(rawValue: kind) else {
                    throw sel.error(
                        sel.line(of: "kind"), "selection kind '\(kind)' is unknown; use collection, shard or full")
                }
                selection.kind = k
            }
            selection.collections = try sel.stringList("collections") ?? []
            if let dup = Dictionary(grouping: selection.collections, by: { $0 }).first(where: { $0.value.count > 1 }) {
                throw sel.error(sel.line(of: "collections"), "collection '\(dup.key)' is listed twice")
            }
            if selection.kind == .full, !selection.collections.isEmpty {
                throw sel.error(
                    sel.line(of: "collections"),
                    "a full snapshot covers every collection; remove 'collections' or use kind: collection")
            }
        }

        var retention: Retention?
        if let entry = root.entry("retention") {
            let map = try ConfigYAMLMapping.mapping(
                entry.value, file: file, code: .retentionPolicy, context: "'retention'")
            if map.entry("file") != nil {
                guard map.entries.count == 1, let path = try map.string("file") else {
                    throw map.error(
                        map.line(of: "file"),
                        "'retention' takes either 'file:' alone or inline policy keys, not both")
                }
                retention = .file(path)
            } else {
                retention = .inline(try RetentionPolicy.parse(map, context: "'retention'"))
            }
        }

        var metricsTextfile: String?
        if let metrics = try root.mapping("metrics") {
            try metrics.rejectUnknownKeys(allowed: ["textfile"], context: "'metrics'")
            metricsTextfile = try metrics.string("textfile")
            if let path = metricsTextfile, !path.hasSuffix(".prom") {
                throw metrics.error(
                    metrics.line(of: "textfile"),
                    "metrics textfile must end in .prom (node_exporter's textfile collector reads only those)")
            }
        }

        var lockTTL: TimeInterval = 3600
        var lockWait: TimeInterval = 0
        var lockGrace: TimeInterval = 300
        if let lock = try root.mapping("lock") {
            try lock.rejectUnknownKeys(allowed: ["ttl", "wait", "grace"], context: "'lock'")
            if let text = try lock.string("ttl") {
                guard let s = WallClockDuration.seconds(text), s >= 60 else {
                    throw lock.error(lock.line(of: "ttl"), "lock ttl must be a duration of at least 1m, like 30m or 2h")
                }
                lockTTL = s
            }
            func zeroOrDuration(_ key: String, example: String) throws -> TimeInterval? {
                guard let text = try lock.string(key) else { return nil }
                if text == "0" { return 0 }
                guard let s = WallClockDuration.seconds(text) else {
                    throw lock.error(lock.line(of: key), "lock \(key) must be 0 or a duration like \(example)")
                }
                return s
            }
            lockWait = try zeroOrDuration("wait", example: "10m") ?? lockWait
            lockGrace = try zeroOrDuration("grace", example: "5m") ?? lockGrace
        }

        var spec = JobSpec(
            name: name, source: source, repository: location, selection: selection, retention: retention,
            verify: try root.boolean("verify") ?? true, metricsTextfile: metricsTextfile, lockTTL: lockTTL,
            lockWait: lockWait, lockGrace: lockGrace, file: file)
        // A relative directory is relative to the job file, like the policy and metrics files.
        if case .local(let path) = location { spec.repository = .local(spec.resolvedPath(path)) }
        return spec
    }

    private static let secretKeys: Set<String> = [
        "apikey", "password", "passwd", "secret", "token", "accesskey", "accesskeyid", "secretkey",
        "secretaccesskey", "awsaccesskeyid", "awssecretaccesskey", "sessiontoken", "credentials",
    ]

    /// Refuses keys that would hold a secret inline, without echoing the value.
    private static func rejectSecrets(_ map: ConfigYAMLMapping, context: String) throws {
        for entry in map.entries {
            let normalized = entry.key.lowercased().filter { $0.isLetter }
            guard secretKeys.contains(normalized) else { continue }
            let advice =
                normalized == "apikey"
                ? "put the key in an environment variable and name it with 'api-key-env: NAME' under source"
                : "pass it through the environment (e.g. AWS_SECRET_ACCESS_KEY) instead"
            throw map.error(entry.line, "'\(entry.key)' in \(context) would store a secret in the job file; \(advice)")
        }
    }

    private static func parseSource(_ map: ConfigYAMLMapping) throws -> Source {
        try rejectSecrets(map, context: "'source'")
        try map.rejectUnknownKeys(
            allowed: ["urls", "url", "api-key-env", "snapshots-bucket", "snapshots-prefix"], context: "'source'")
        if map.entry("url") != nil, map.entry("urls") != nil {
            throw map.error(map.line(of: "url"), "give either 'url' or 'urls' in 'source', not both")
        }
        let urls = try map.stringList("urls") ?? map.stringList("url") ?? []
        guard !urls.isEmpty else {
            throw map.error(map.line, "'source' needs 'urls:' with at least one Qdrant node URL")
        }
        for url in urls {
            guard let c = URLComponents(string: url), let scheme = c.scheme?.lowercased(),
                scheme == "http" || scheme == "https", let host = c.host, !host.isEmpty
            else {
                throw map.error(
                    map.line(of: map.entry("urls") != nil ? "urls" : "url"),
                    "source URL '\(Redactor().redact(url))' must be http://host:port or https://host:port")
            }
            if c.user != nil || c.password != nil || c.query != nil {
                throw map.error(
                    map.line(of: map.entry("urls") != nil ? "urls" : "url"),
                    "source URLs must not carry credentials or query parameters; use 'api-key-env' for the api key")
            }
        }
        let env = try map.string("api-key-env")
        if let env, env.range(of: #"^[A-Za-z_][A-Za-z0-9_]*$"#, options: .regularExpression) == nil {
            throw map.error(
                map.line(of: "api-key-env"),
                "'api-key-env' takes the NAME of an environment variable (letters, digits, '_'), not the key itself")
        }
        let store = NodeSnapshotStore(
            bucket: try map.string("snapshots-bucket"),
            prefix: try map.string("snapshots-prefix") ?? "snapshots")
        return Source(urls: urls, apiKeyEnv: env, snapshotStore: store)
    }

    /// The repository, after the job file's own rules (no query, no credentials, an absolute `file://` path).
    private static func parseRepository(_ repository: String, _ root: ConfigYAMLMapping) throws -> RepositoryLocation {
        try validateRepository(repository, root)
        do {
            return try RepositoryLocation(parsing: repository)
        } catch let error as QSnapError {
            throw root.error(root.line(of: "repository"), error.message)
        }
    }

    private static func validateRepository(_ repository: String, _ root: ConfigYAMLMapping) throws {
        let line = root.line(of: "repository")
        guard repository.contains("://") else {
            guard !repository.contains("?") else {
                throw root.error(line, "repository path must not contain '?'")
            }
            guard repository != "-" else {
                throw root.error(line, "repository '-' is not a directory; give s3://bucket/prefix or a directory")
            }
            return
        }
        guard let c = URLComponents(string: repository), let scheme = c.scheme?.lowercased() else {
            throw root.error(line, "repository is not a valid URL; use s3://bucket/prefix or file:///dir")
        }
        if c.user != nil || c.password != nil || c.query != nil {
            throw root.error(
                line,
                "repository URL must not carry credentials or query parameters; credentials come from the environment")
        }
        switch scheme {
        case "s3":
            guard let bucket = c.host, !bucket.isEmpty else {
                throw root.error(line, "s3 repository needs a bucket: s3://bucket/prefix")
            }
        case "file":
            guard c.path.hasPrefix("/") else {
                throw root.error(line, "file repository needs an absolute path: file:///dir")
            }
        default:
            throw root.error(
                line, "repository scheme '\(scheme)' is not supported; use s3://bucket/prefix or file:///dir")
        }
    }
}
