import Testing

@testable import QSnapCore

@Suite struct RestoreShardCoverageTests {
    typealias Step = ShardCoverage.Step

    @Test func oneShardPerNodeTakesTheObjectHoldingIt() {
        // target node i holds shard i; source objects hold shards 2, 0, 1
        let plan = ShardCoverage.plan(nodeShards: [[0], [1], [2]], objectShards: [[2], [0], [1]])
        #expect(plan.steps == [Step(node: 0, object: 1), Step(node: 1, object: 2), Step(node: 2, object: 0)])
        #expect(plan.uncovered.isEmpty)
    }

    @Test func replicatedShardsAreRestoredOnce() {
        // 3 shards × 2 replicas on 3 nodes; each object carries its node's two shards
        let plan = ShardCoverage.plan(
            nodeShards: [[0, 2], [0, 1], [1, 2]], objectShards: [[0, 1], [1, 2], [0, 2]])
        #expect(plan.steps == [Step(node: 0, object: 2), Step(node: 1, object: 0)])
        #expect(plan.uncovered.isEmpty)
    }

    @Test func preferredObjectsComeFirst() {
        let plan = ShardCoverage.plan(nodeShards: [[0, 1]], objectShards: [[0, 1], [0], [1]], preferred: [0: [1]])
        #expect(plan.steps == [Step(node: 0, object: 1), Step(node: 0, object: 0)])
    }

    @Test func alreadyRestoredShardsAreSkipped() {
        let plan = ShardCoverage.plan(nodeShards: [[0], [1]], objectShards: [[0], [1]], restored: [0])
        #expect(plan.steps == [Step(node: 1, object: 1)])
    }

    @Test func missingDataIsReported() {
        let plan = ShardCoverage.plan(nodeShards: [[0], [1], [2]], objectShards: [[0], [1]])
        #expect(plan.uncovered == [2])
    }
}
