/// How a snapshot object reaches a target node.
public enum RestoreTransport: String, Sendable, Codable, CaseIterable {
    /// qsnap streams the object from the repository into `…/snapshots/upload` (no local file).
    case upload
    /// The node downloads it itself from an HTTP URL (`…/snapshots/recover` with `location` and `checksum`):
    /// a presigned S3 GET URL, or `--object-base-url` + key for a directory repository served over HTTP.
    case url
}
