/// How a snapshot object reaches a target node.
public enum RestoreTransport: String, Sendable, Codable, CaseIterable {
    /// qsnap streams the object from the repository into `…/snapshots/upload` (no local file).
    case upload
    /// The node downloads it itself from an HTTP URL (`…/snapshots/recover` with `location` and `checksum`):
    /// a presigned S3 GET URL, or `--object-base-url` + key for a directory repository served over HTTP.
    case url
    /// The default: ``url`` with a presigned URL from a plain S3 repository (the nodes pull in parallel, no byte
    /// through qsnap's host), falling back to ``upload`` for a node that cannot fetch it; ``upload`` otherwise.
    /// Made concrete by ``RestoreOptions/resolvingTransport(for:)``.
    case auto
}
