/// The source of truth when recovering a snapshot into a replica set (Qdrant `SnapshotPriority`).
public enum SnapshotPriority: String, Sendable, Hashable, Codable, CaseIterable {
    /// Restore the snapshot without any additional synchronisation.
    case noSync = "no_sync"
    /// Prefer the snapshot data over the current state (Qdrant's default).
    case snapshot
    /// Prefer existing replicas over the snapshot.
    case replica
}
