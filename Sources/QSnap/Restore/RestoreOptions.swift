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
    /// Seconds verification waits for every replica to become Active (`--verify-timeout`).
    public var verifyTimeout: Double = 120

    /// Creates options.
    public init(collections: [String]? = nil, asName: String? = nil, alias: String? = nil,
                peerMap: [UInt64: String] = [:], force: Set<RestoreGateResult.Gate> = [],
                transport: RestoreTransport = .upload, objectBaseURL: String? = nil, presignExpiry: Int = 3600) {
        self.collections = collections
        self.asName = asName
        self.alias = alias
        self.peerMap = peerMap
        self.force = force
        self.transport = transport
        self.objectBaseURL = objectBaseURL
        self.presignExpiry = presignExpiry
    }
}
