/// What unit a backup snapshots.
public enum BackupKind: String, Codable, Sendable, CaseIterable {
    /// A collection snapshot on every node (each holds that node's local shards).
    case collection
    /// One shard snapshot per shard, taken on one Active replica (~1× the data instead of RF×).
    case shard
    /// A full-storage snapshot (all collections and aliases); single-node deployments only.
    case full
}
