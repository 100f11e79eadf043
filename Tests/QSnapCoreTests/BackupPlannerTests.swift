import Testing

@testable import QSnapCore

@Suite struct BackupPlannerTests {
    static let v = QdrantVersion("1.19.0")!
    static let nodes = [1, 2, 3].map { SourceTopology.Node(peerId: UInt64($0), url: "http://n\($0):6333", version: v) }

    static func replicas(_ peers: [UInt64], state: String = "Active") -> [BackupManifest.Replica] {
        peers.map { BackupManifest.Replica(peerId: $0, state: state) }
    }

    /// 3 shards × 2 replicas over 3 peers, shard s on peers s+1 and (s+1)%3+1.
    static let cluster = SourceTopology(
        clusterEnabled: true, nodes: nodes,
        collections: [
            SourceTopology.Collection(
                name: "docs", shardCount: 3,
                shards: [
                    0: replicas([1, 2]), 1: replicas([2, 3]), 2: replicas([3, 1]),
                ])
        ])

    @Test func collectionKindSnapshotsEveryNodeWithItsLocalShards() throws {
        let plan = try BackupPlanner.plan(kind: .collection, topology: Self.cluster)
        #expect(plan.map(\.unit) == [1, 2, 3].map { .collection(name: "docs", peer: UInt64($0)) })
        #expect(plan.map(\.shards) == [[0, 2], [0, 1], [1, 2]])
    }

    @Test func collectionKindSkipsNodesWithoutLocalReplicas() throws {
        var t = Self.cluster
        t.collections = [SourceTopology.Collection(name: "small", shardCount: 1, shards: [0: Self.replicas([2])])]
        let plan = try BackupPlanner.plan(kind: .collection, topology: t)
        #expect(plan.map(\.node.peerId) == [2])
    }

    @Test func shardKindTakesOneActiveReplicaPerShardSpreadingLoad() throws {
        let spread = try BackupPlanner.plan(kind: .shard, topology: Self.cluster)
        #expect(spread.map(\.node.peerId) == [1, 2, 3], "work is spread over the nodes")
        var t = Self.cluster
        t.collections[0].shards[1] = [
            BackupManifest.Replica(peerId: 2, state: "Dead"), BackupManifest.Replica(peerId: 3, state: "Active"),
        ]
        let plan = try BackupPlanner.plan(kind: .shard, topology: t)
        #expect(plan.map(\.unit) == [0, 1, 2].map { .shard(collection: "docs", shard: $0) })
        #expect(plan[1].node.peerId == 3, "the Dead replica must not be chosen")
    }

    @Test func refusesWhenAShardHasNoActiveReachableReplica() {
        var t = Self.cluster
        t.collections[0].shards[2] = Self.replicas([3, 1], state: "Partial")
        let error = #expect(throws: QSnapError.self) { try BackupPlanner.plan(kind: .collection, topology: t) }
        #expect(error?.code == .backupNoActiveReplica)
        #expect(error?.message.contains("shard 2 of collection docs") == true)

        var unreachable = Self.cluster
        unreachable.nodes.removeLast()
        unreachable.collections[0].shards[1] = Self.replicas([3])
        #expect(throws: QSnapError.self) { try BackupPlanner.plan(kind: .shard, topology: unreachable) }
    }

    @Test func missingShardIdIsRefused() {
        var t = Self.cluster
        t.collections[0].shards[1] = nil
        #expect(throws: QSnapError.self) { try BackupPlanner.plan(kind: .collection, topology: t) }
    }

    @Test func fullKindOnlyOnASingleStandaloneNode() throws {
        let error = #expect(throws: QSnapError.self) { try BackupPlanner.plan(kind: .full, topology: Self.cluster) }
        #expect(error?.code.category == .refused)
        let single = SourceTopology(clusterEnabled: false, nodes: [Self.nodes[0]], collections: [])
        let plan = try BackupPlanner.plan(kind: .full, topology: single)
        #expect(plan.map(\.unit) == [.full(peer: 1)])
        let two = SourceTopology(clusterEnabled: false, nodes: Array(Self.nodes.prefix(2)), collections: [])
        #expect(throws: QSnapError.self) { try BackupPlanner.plan(kind: .full, topology: two) }
    }

    @Test func fingerprintIgnoresOrderButNotSelection() {
        var shuffled = Self.cluster
        shuffled.nodes.reverse()
        #expect(
            BackupProgress.fingerprint(kind: .collection, topology: shuffled)
                == BackupProgress.fingerprint(kind: .collection, topology: Self.cluster))
        #expect(
            BackupProgress.fingerprint(kind: .shard, topology: Self.cluster)
                != BackupProgress.fingerprint(kind: .collection, topology: Self.cluster))
    }
}
