/// Whether `qsnap backup` has the store copy snapshots the nodes wrote to S3 themselves into the repository
/// (`CopyObject`/`UploadPartCopy`, no byte through the host qsnap runs on) instead of streaming them.
public enum ServerSideMode: String, Sendable, Codable, CaseIterable {
    /// Copy server-side where the node's snapshot is found in its S3 store (Qdrant reported no checksum and the
    /// object is there with the listed size); stream the rest.
    case auto
    /// Copy every snapshot server-side; refuse when one is not in the nodes' S3 store (`--server-side`).
    case always
    /// Always stream through qsnap (`--no-server-side`).
    case never
}
