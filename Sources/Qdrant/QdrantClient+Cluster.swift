extension QdrantClient {
    /// `GET /cluster`: distributed mode on or off, this peer's id and the known peers.
    public func cluster() async throws -> ClusterInfo {
        try await result(ClusterInfo.self, Call(method: "GET", segments: ["cluster"], idempotent: true))
    }

    /// `GET /collections/{c}/cluster`: shard placement and replica states as seen by this node.
    public func collectionCluster(_ name: String) async throws -> CollectionClusterInfo {
        try await result(
            CollectionClusterInfo.self,
            Call(method: "GET", segments: ["collections", name, "cluster"], idempotent: true))
    }
}
