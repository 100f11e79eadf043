import Foundation
import Logging
import QSnapCore
import Qdrant

/// Builds a ``RestorePlan`` from a manifest and the target as it is now, and runs the gates. Reads only.
public struct RestorePlanner: Sendable {
    /// The backup.
    public let manifest: BackupManifest
    /// The target as probed.
    public let target: RestoreTarget
    /// What was asked.
    public let options: RestoreOptions

    /// Creates a planner.
    public init(manifest: BackupManifest, target: RestoreTarget, options: RestoreOptions) {
        self.manifest = manifest
        self.target = target
        self.options = options
    }

    /// The collections selected from the manifest.
    func selectedCollections() throws -> [BackupManifest.Collection] {
        let available = manifest.collections.map(\.name)
        guard let wanted = options.collections, !wanted.isEmpty else { return manifest.collections }
        return try wanted.map { name in
            guard let c = manifest.collections.first(where: { $0.name == name }) else {
                throw QSnapError(
                    .restoreCollection,
                    "backup \(manifest.id) has no collection \(name); it has: \(available.joined(separator: ", "))")
            }
            return c
        }
    }

    /// The target node index expected to receive an object: `--map` for its peer, else the peer's position among
    /// the source nodes (sorted by peer id) ↔ the order of the target URLs; shard objects go to `shard mod nodes`.
    func predictedNode(_ object: BackupManifest.Object) throws -> Int {
        let n = target.nodes.count
        if object.kind == .shard, let shard = object.shardId { return shard % n }
        if let peer = object.peerId, let url = options.peerMap[peer] {
            guard let i = target.nodes.firstIndex(where: { $0.url == SafeURL.display(url) }) else {
                throw QSnapError(
                    .restoreMap,
                    "--map \(peer)=\(SafeURL.display(url)): that URL is not one of the --target URLs")
            }
            return i
        }
        let order = manifest.source.nodes.compactMap(\.peerId)
        if let peer = object.peerId, let i = order.firstIndex(of: peer) { return i % n }
        return 0
    }

    /// Builds the plan and evaluates every gate.
    public func plan() async throws -> RestorePlan {
        let selected = try selectedCollections()
        if selected.count > 1, options.asName != nil || options.alias != nil {
            throw QSnapError(
                .restoreRename, "--as and --alias apply to one collection; select it with --collection")
        }
        for peer in options.peerMap.keys where !manifest.source.nodes.contains(where: { $0.peerId == peer }) {
            throw QSnapError(
                .restoreMap, "--map names peer \(peer), which is not a source peer of backup \(manifest.id)")
        }
        var plans: [RestorePlan.CollectionPlan] = []
        var gates: [RestoreGateResult] = []
        var incoming = Array(repeating: Int64(0), count: target.nodes.count)
        var memory: [MemoryGate.Collection] = []
        var allAliases: [String] = []
        var topologyResults: [RestoreGateResult] = []
        var counted: Set<String> = []
        for c in selected {
            let base = options.asName ?? c.name
            let staging = RestoreNaming.stagingName(base: base, backupID: manifest.id)
            let mainAlias = options.alias ?? base
            var aliases = [mainAlias]
            for a in manifest.aliases where a.collection == c.name && !aliases.contains(a.alias) {
                aliases.append(a.alias)
            }
            let objects = manifest.objects(of: c.name)
            let needed = Self.neededObjects(objects.map(\.shards), kind: manifest.kind, targetNodes: target.nodes.count)
            var planned: [RestorePlan.PlannedObject] = []
            for (k, o) in objects.enumerated() {
                let i = try predictedNode(o)
                // A full snapshot serves every collection: count its bytes once.
                if needed.contains(k), counted.insert(o.key).inserted { incoming[i] += o.size }
                planned.append(
                    RestorePlan.PlannedObject(
                        key: o.key, size: o.size, shards: o.shards, sourcePeer: o.peerId,
                        node: target.nodes[i].url, nodeIndex: i, needed: needed.contains(k)))
            }
            var current: [String: String] = [:]
            for a in aliases { if let t = target.aliases[a] { current[a] = t } }
            let replacedName = target.aliases[mainAlias] ?? (target.collections.contains(mainAlias) ? mainAlias : nil)
            var replacedConfig: JSONValue?
            if let replacedName {
                replacedConfig = try await target.nodes[0].client.collectionInfo(replacedName).config
            }
            let foreign = try await target.collections.contains(staging) ? !target.isMarkedStaging(staging) : false
            topologyResults.append(
                TopologyGate.evaluate(
                    TopologyGate.Input(
                        collection: c, kind: manifest.kind, objectShards: objects.map(\.shards), stagingName: staging,
                        aliases: aliases, targetNodes: target.nodes.count, targetCollections: Set(target.collections),
                        targetAliases: target.aliases, replacedConfig: replacedConfig, replacedName: replacedName,
                        stagingNameIsForeign: foreign)))
            let replicas = min(c.config["params"]?["replication_factor"]?.intValue ?? 1, target.nodes.count)
            memory.append(
                MemoryGate.Collection(
                    name: c.name, footprintBytes: MemoryFootprint.bytes(config: c.config, points: c.pointsCount),
                    replicas: replicas))
            allAliases += aliases
            await plans.append(
                RestorePlan.CollectionPlan(
                    source: c.name, base: base, staging: staging, aliases: aliases, currentTargets: current,
                    stale: try target.staleStaging(base: base),
                    pointsCount: c.pointsCount, objects: planned))
        }
        let duplicates = Dictionary(grouping: allAliases, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted()
        if !duplicates.isEmpty {
            throw QSnapError(
                .restoreAliasTwice,
                "alias(es) \(duplicates.joined(separator: ", ")) would point at two restored collections; restore them one at a time with --collection and --alias"
            )
        }
        guard let sourceVersion = QdrantVersion(manifest.source.qdrantVersion) else {
            throw QSnapError(
                .restoreManifest,
                "the manifest's source version \(manifest.source.qdrantVersion) is not a version")
        }
        gates.append(
            VersionGate.evaluate(source: sourceVersion, target: target.version).overridden(
                by: options.force.contains(.version)))
        gates.append(
            DiskGate.evaluate(
                nodes: target.nodes.indices.map { i in
                    DiskGate.Node(
                        url: target.nodes[i].url, incomingBytes: incoming[i], freeBytes: target.nodes[i].freeBytes,
                        freeSource: target.nodes[i].freeSource)
                }
            ).overridden(by: options.force.contains(.disk)))
        gates.append(
            MemoryGate.evaluate(collections: memory, nodeRAM: target.nodes.map(\.ramBytes))
                .overridden(by: options.force.contains(.ram)))
        gates.append(Self.combine(topologyResults).overridden(by: options.force.contains(.topology)))
        gates.append(
            AliasGate.evaluate(aliases: allAliases, targetAliases: target.aliases)
                .overridden(by: options.force.contains(.alias)))
        return RestorePlan(
            backupID: manifest.id, kind: manifest.kind, sourceVersion: manifest.source.qdrantVersion,
            targetVersion: target.version.description, target: target.nodes.map(\.url),
            // A node cannot take one collection's file out of a full snapshot by itself: full backups are uploaded.
            // and Qdrant Cloud blocks a node's outbound traffic, so it cannot download from a URL either.
            // An unresolved `auto` (no repository known yet) plans the upload.
            transport: manifest.kind == .full || target.isQdrantCloud || options.transport == .auto
                ? .upload : options.transport,
            collections: plans, gates: gates,
            verdict: gates.contains(where: \.refuses) ? "refused" : "ok")
    }

    /// The objects to send: all of them when the target has as many nodes as there are objects (each node gets its
    /// own), else a greedy cover of the shards (node snapshots of replicas repeat the same shards).
    static func neededObjects(_ shards: [[Int]], kind: BackupKind, targetNodes: Int) -> Set<Int> {
        if kind != .collection || targetNodes >= shards.count { return Set(shards.indices) }
        var missing = Set(shards.flatMap { $0 })
        var chosen: Set<Int> = []
        while !missing.isEmpty {
            guard
                let best = shards.indices.filter({ !chosen.contains($0) })
                    .max(by: { missing.intersection(shards[$0]).count < missing.intersection(shards[$1]).count }),
                !missing.isDisjoint(with: shards[best])
            else { break }
            chosen.insert(best)
            missing.subtract(shards[best])
        }
        return chosen
    }

    /// One topology result from one per collection.
    static func combine(_ results: [RestoreGateResult]) -> RestoreGateResult {
        guard results.count != 1 else { return results[0] }
        var figures: [String: String] = [:]
        for r in results {
            let name = r.figures["collection"] ?? "?"
            for (k, v) in r.figures where k != "collection" { figures["\(name).\(k)"] = v }
        }
        let failed = results.filter { !$0.passed }
        return RestoreGateResult(
            gate: .topology, passed: failed.isEmpty, figures: figures,
            detail: (failed.isEmpty ? results : failed).map(\.detail).joined(separator: "; "))
    }
}
