import QSnapCore

/// What `qsnap check` and `qsnap restore` were asked to do.
public struct RestoreOptions: Sendable {
    /// Collections to restore (`nil`: every collection of the backup).
    public var collections: [String]?
    /// Base name of the restored collection (one collection only); default: its original name.
    public var asName: String?
    /// The alias to switch (one collection only); default: the base name.
    public var alias: String?
    /// Source peer id → target URL (display form), from `--map`.
    public var peerMap: [UInt64: String]
    /// Gates whose failure is overridden.
    public var force: Set<RestoreGateResult.Gate>
    /// How objects reach the nodes.
    public var transport: RestoreTransport
    /// Base HTTP URL of a directory repository, for `--transport url`.
    public var objectBaseURL: String?
    /// Lifetime of presigned URLs, in seconds.
    public var presignExpiry: Int
    /// Set by ``resolvingTransport(for:)`` for `--transport auto`: a node that fails to recover from the URL gets
    /// the object uploaded instead.
    public var fallBackToUpload = false
    /// Seconds verification waits for every replica to become Active (`--verify-timeout`).
    public var verifyTimeout: Double = 120

    /// Creates options.
    public init(
        collections: [String]? = nil, asName: String? = nil, alias: String? = nil,
        peerMap: [UInt64: String] = [:], force: Set<RestoreGateResult.Gate> = [],
        transport: RestoreTransport = .upload, objectBaseURL: String? = nil, presignExpiry: Int = 3600
    ) {
        self.collections = collections
        self.asName = asName
        self.alias = alias
        self.peerMap = peerMap
        self.force = force
        self.transport = transport
        self.objectBaseURL = objectBaseURL
        self.presignExpiry = presignExpiry
    }

    /// `--transport auto` made concrete for `repository`: ``RestoreTransport/url`` (presigned URLs, with a fall-back
    /// to upload per object) for a plain S3 repository, ``RestoreTransport/upload`` for any other (a directory is
    /// not reachable by the nodes; an encrypted repository holds bytes they cannot decrypt). Other transports are
    /// kept as asked.
    public func resolvingTransport(for repository: any Repository) -> RestoreOptions {
        guard transport == .auto else { return self }
        var resolved = self
        resolved.transport = repository is S3Repository ? .url : .upload
        resolved.fallBackToUpload = resolved.transport == .url
        return resolved
    }
}
