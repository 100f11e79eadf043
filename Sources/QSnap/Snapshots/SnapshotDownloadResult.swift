/// What `qsnap snapshot download` stored (`--json`).
public struct SnapshotDownloadResult: Codable, Sendable, Equatable {
    /// The node it came from (display URL).
    public var node: String
    /// The snapshot's file name on the node.
    public var name: String
    /// The local file it was stored as.
    public var path: String
    /// Bytes stored.
    public var size: Int64
    /// SHA-256 of the bytes stored, computed while they arrived.
    public var sha256: String
    /// Where Qdrant's checksum came from: `listing` (the listing's `checksum` field) or `sidecar` (the node's
    /// `<name>.checksum`); `nil` when the node has none (the download is then not checked against Qdrant).
    public var checksumSource: String?
    /// True when ``sha256`` equals Qdrant's checksum.
    public var verified: Bool
    /// The checksum sidecar written beside ``path`` (Qdrant's format: the hex digest), when ``verified``.
    public var sidecar: String?
}
