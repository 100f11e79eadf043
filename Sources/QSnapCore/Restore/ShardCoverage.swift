/// Decides which snapshot object is recovered on which target node so that every shard is restored once on a node
/// that holds a replica of it (the other replicas are re-synced by Qdrant with priority `snapshot`).
///
/// Recovering a collection snapshot on a node restores every shard that is local to the node and has data in the
/// snapshot; shards that are not local are ignored.
public enum ShardCoverage {
    /// One recovery: object `object` onto node `node` (indices into the caller's arrays).
    public struct Step: Sendable, Hashable, Codable {
        /// Index of the target node.
        public var node: Int
        /// Index of the object.
        public var object: Int

        /// Creates a step.
        public init(node: Int, object: Int) {
            self.node = node
            self.object = object
        }
    }

    /// Plans the recoveries.
    /// - Parameters:
    ///   - nodeShards: the shard ids local to each target node.
    ///   - objectShards: the shard ids each object carries data for.
    ///   - preferred: objects mapped to a node (`--map` or the default order), tried first.
    ///   - restored: shards already restored (e.g. by the recovery that created the collection).
    /// - Returns: the steps, and the shards no object can bring onto a node that holds them (empty when complete).
    public static func plan(
        nodeShards: [[Int]], objectShards: [[Int]], preferred: [Int: [Int]] = [:],
        restored: Set<Int> = []
    ) -> (steps: [Step], uncovered: [Int]) {
        let all = Set(nodeShards.flatMap { $0 })
        var needed = all.subtracting(restored)
        var steps: [Step] = []
        for node in nodeShards.indices {
            let local = Set(nodeShards[node])
            while true {
                let want = local.intersection(needed)
                if want.isEmpty { break }
                let candidates = objectShards.indices.filter { !Set(objectShards[$0]).isDisjoint(with: want) }
                    .filter { o in !steps.contains(Step(node: node, object: o)) }
                let mapped = (preferred[node] ?? []).filter(candidates.contains)
                let pick =
                    mapped.first
                    ?? candidates.max { a, b in
                        let ca = Set(objectShards[a]).intersection(want).count
                        let cb = Set(objectShards[b]).intersection(want).count
                        return ca != cb ? ca < cb : a > b
                    }
                guard let pick else { break }
                steps.append(Step(node: node, object: pick))
                needed.subtract(local.intersection(objectShards[pick]))
            }
        }
        return (steps, needed.sorted())
    }
}
