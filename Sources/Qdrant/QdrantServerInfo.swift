import QSnapCore

/// What `GET /` reports about a Qdrant server (`VersionInfo`; the only unwrapped, unauthenticated endpoint).
public struct QdrantServerInfo: Sendable, Hashable, Decodable {
    /// The title, `qdrant - vector search engine`.
    public var title: String
    /// The release, e.g. `1.19.0`.
    public var version: QdrantVersion
    /// The git commit of the build, when the build recorded one.
    public var commit: String?

    /// Creates a value.
    public init(title: String, version: QdrantVersion, commit: String? = nil) {
        self.title = title
        self.version = version
        self.commit = commit
    }
}
