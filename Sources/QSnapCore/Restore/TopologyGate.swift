/// The topology gate for one collection: shard number and vectors of the collection being replaced, enough
/// target nodes for the placement, and no name or alias collisions.
public enum TopologyGate {
    /// What the gate looks at.
    public struct Input: Sendable {
        /// The collection as recorded in the manifest.
        public var collection: BackupManifest.Collection
        /// The backup kind (collection snapshots need the placement's nodes; shard snapshots do not).
        public var kind: BackupKind
        /// The shards each of the collection's objects carries.
        public var objectShards: [[Int]]
        /// The name the restore recovers into.
        public var stagingName: String
        /// Every alias the restore points at the staging collection (the main alias first).
        public var aliases: [String]
        /// The number of target nodes.
        public var targetNodes: Int
        /// Every collection on the target.
        public var targetCollections: Set<String>
        /// Every alias on the target: alias name → collection name.
        public var targetAliases: [String: String]
        /// The config of the collection the main alias currently resolves to (the one being replaced), if any.
        public var replacedConfig: JSONValue?
        /// Its name.
        public var replacedName: String?
        /// True when a collection named like the staging collection exists but does not carry qsnap's staging
        /// marker: qsnap did not make it, so it is neither removed nor reused.
        public var stagingNameIsForeign: Bool = false

        /// Creates an input.
        public init(
            collection: BackupManifest.Collection, kind: BackupKind, objectShards: [[Int]],
            stagingName: String, aliases: [String], targetNodes: Int, targetCollections: Set<String>,
            targetAliases: [String: String], replacedConfig: JSONValue? = nil, replacedName: String? = nil,
            stagingNameIsForeign: Bool = false
        ) {
            self.stagingNameIsForeign = stagingNameIsForeign
            self.collection = collection
            self.kind = kind
            self.objectShards = objectShards
            self.stagingName = stagingName
            self.aliases = aliases
            self.targetNodes = targetNodes
            self.targetCollections = targetCollections
            self.targetAliases = targetAliases
            self.replacedConfig = replacedConfig
            self.replacedName = replacedName
        }
    }

    /// Target nodes needed: 1 when one object carries every shard (or for shard snapshots, which any node holding
    /// the shard can take), else the number of source nodes whose snapshots carry data.
    public static func requiredNodes(kind: BackupKind, shardCount: Int, objectShards: [[Int]]) -> Int {
        if kind != .collection { return 1 }
        let all = Set(0..<max(shardCount, 1))
        if objectShards.contains(where: { all.isSubset(of: Set($0)) }) { return 1 }
        return max(objectShards.filter { !$0.isEmpty }.count, 1)
    }

    /// Evaluates the gate.
    public static func evaluate(_ input: Input) -> RestoreGateResult {
        let c = input.collection
        var problems: [String] = []
        let shardNumber = c.shardNumber ?? c.placement.count
        let required = requiredNodes(kind: input.kind, shardCount: shardNumber, objectShards: input.objectShards)
        var figures = [
            "collection": c.name, "shardNumber": String(shardNumber), "targetNodes": String(input.targetNodes),
            "requiredNodes": String(required), "staging": input.stagingName,
        ]
        if input.targetNodes < required {
            problems.append(
                "the backup's shards of \(c.name) are spread over \(required) node snapshots but the target "
                    + "has \(input.targetNodes) node(s); a node snapshot without all shards cannot be restored "
                    + "onto fewer nodes. Give every target node with --target, or back up with --kind shard")
        }
        if let replaced = input.replacedConfig {
            let theirs = replaced["params"]?["shard_number"]?.intValue ?? 1
            figures["replaced"] = input.replacedName ?? ""
            figures["replacedShardNumber"] = String(theirs)
            if theirs != shardNumber {
                problems.append(
                    "the existing collection \(input.replacedName ?? "") has shard_number \(theirs), the "
                        + "backup has \(shardNumber); Qdrant rejects a snapshot whose shard_number differs. "
                        + "Restore under another name (--as / --alias)")
            }
            if replaced["params"]?["vectors"] != c.config["params"]?["vectors"] {
                problems.append(
                    "the existing collection \(input.replacedName ?? "") has different vectors "
                        + "(\(replaced["params"]?["vectors"]?.description ?? "none")) than the backup "
                        + "(\(c.config["params"]?["vectors"]?.description ?? "none")); clients of the alias "
                        + "would break. Restore under another name (--as / --alias)")
            }
        }
        if input.targetCollections.contains(input.stagingName) {
            if input.targetAliases.values.contains(input.stagingName) {
                problems.append(
                    "\(input.stagingName) already exists and is in use (an alias points at it): this "
                        + "backup is already restored")
            } else if input.stagingNameIsForeign {
                problems.append(
                    "a collection named \(input.stagingName) exists that qsnap did not make (it lacks qsnap's "
                        + "staging marker); qsnap never deletes it. Restore under another name with --as, or "
                        + "remove that collection yourself")
            } else {
                figures["staleStaging"] = input.stagingName
            }
        }
        if input.targetAliases[input.stagingName] != nil {
            problems.append("an alias named \(input.stagingName) exists; remove it first")
        }
        for alias in input.aliases where input.targetCollections.contains(alias) {
            problems.append(
                "a collection named \(alias) exists, and Qdrant cannot create an alias with a collection's "
                    + "name. Pick another alias with --alias, or restore under another name with --as")
        }
        figures["aliases"] = input.aliases.joined(separator: ",")
        if problems.isEmpty {
            return RestoreGateResult(
                gate: .topology, passed: true, figures: figures,
                detail: "\(c.name): \(shardNumber) shard(s), \(input.targetNodes) target node(s), no collisions")
        }
        return RestoreGateResult(
            gate: .topology, passed: false, figures: figures,
            detail: "\(c.name): " + problems.joined(separator: "; "))
    }
}
