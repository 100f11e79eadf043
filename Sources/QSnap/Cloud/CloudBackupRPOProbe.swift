import Foundation
import QSnapCore

/// Measures the recovery point Qdrant Cloud Backups give a cluster — the age of its newest SUCCEEDED backup —
/// for `qsnap drill --cloud-backups`.
public struct CloudBackupRPOProbe: Sendable {
    /// The client (its account is the one measured).
    public let client: CloudAPIClient
    /// The cluster measured.
    public let clusterID: String

    /// Creates a probe.
    public init(client: CloudAPIClient, clusterID: String) {
        self.client = client
        self.clusterID = clusterID
    }

    /// Lists the cluster's backups and measures the RPO at `now`.
    public func measure(at now: Date) async throws -> CloudBackupRPO {
        await CloudBackupRPO(
            accountID: client.accountID, clusterID: clusterID,
            backups: try client.listBackups(clusterID: clusterID), at: now)
    }
}
