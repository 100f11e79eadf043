/// What `qsnap snapshot recover` did (`--json`).
public struct SnapshotRecoveryResult: Codable, Sendable, Equatable {
    /// The node that recovered the snapshot (display URL).
    public var node: String
    /// The collection recovered into.
    public var collection: String
    /// The shard recovered, for shard snapshots.
    public var shard: Int?
    /// The local archive.
    public var file: String
    /// Its size in bytes.
    public var size: Int64
    /// Its SHA-256, sent as the upload's `checksum`.
    public var sha256: String
    /// Where the expected checksum came from (`flag`, `sidecar`), `nil` when there was none to compare with.
    public var checksumSource: String?
    /// `collection` or `shard`: what the archive holds.
    public var kind: String
    /// The priority the node recovered with.
    public var priority: String
    /// Entries inspected (top level).
    public var entries: Int
}
