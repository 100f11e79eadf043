import Foundation
import Logging
import QSnapCore
import Qdrant

/// Performs a planned restore, driven by ``RestoreStateMachine``: remove stale staging collections, recover every
/// object into fresh staging collections, verify them, then switch every alias in one `POST /collections/aliases`.
/// Any failure before the switch deletes the staging collections; aliases and old collections stay untouched.
public final class RestoreRunner {
    let manifest: BackupManifest
    var target: RestoreTarget
    let plan: RestorePlan
    let sender: SnapshotSender
    let logger: Logger
    let verifyTimeout: Double
    /// The transport asked for (the plan's may differ: full backups and Qdrant Cloud targets upload).
    let askedTransport: RestoreTransport

    /// Work left to do, in order.
    private enum Work {
        /// Create the staging collection of plan `collection` (first recovery or explicit creation), then queue
        /// the recoveries its placement needs.
        case start(collection: Int)
        /// Recover one object onto one node.
        case send(collection: Int, object: Int, node: Int, scope: SnapshotScope)
        /// Shard backups: create the payload indexes the manifest recorded, once every shard is in (a shard
        /// snapshot carries no collection-level schema; creating the index afterwards indexes every segment).
        case indexes(collection: Int)
    }

    private var queue: [Work] = []
    private var created: [String] = []
    private var recoveries: [[RestoreResult.Recovery]]
    private var removedStale: [String] = []
    private var verified: [RestoreResult.Restored] = []
    private var failure: QSnapError?
    /// Staging collections of a killed restore whose restore lock this one took over.
    private var inherited: Set<String> = []
    /// Full backups: each collection's snapshot inside each full object (object key + NUL + collection).
    private var nested: [String: NestedSnapshot] = [:]
    /// Bytes and objects recovered per target node, for a progress display.
    public let progress = TransferProgress()
    /// SHA-256 of objects whose manifest has none (unverified server-side copies), computed by ``inspectObjects()``.
    private var computedSHA256: [String: String] = [:]

    /// Creates a runner for a plan whose gates passed.
    public init(
        manifest: BackupManifest, target: RestoreTarget, plan: RestorePlan, repository: any Repository,
        options: RestoreOptions, logger: Logger
    ) {
        self.manifest = manifest
        self.target = target
        self.plan = plan
        self.sender = SnapshotSender(
            repository: repository, transport: plan.transport,
            objectBaseURL: options.objectBaseURL, presignExpiry: options.presignExpiry,
            logger: logger, backupID: manifest.id,
            fallBackToUpload: options.fallBackToUpload)
        self.logger = logger
        self.verifyTimeout = options.verifyTimeout
        self.askedTransport = options.fallBackToUpload ? .auto : options.transport
        self.recoveries = Array(repeating: [], count: plan.collections.count)
    }

    /// Runs the restore.
    /// - Throws: the first failure (`verificationFailed` for a verification mismatch), after the staging
    ///   collections were deleted.
    public func run() async throws -> RestoreResult {
        if let refusal = plan.refusal { throw refusal }
        // Before anything changes: a read-only key or a JWT without manage access is refused here, not by a 403 mid-way.
        try await QdrantAccessCheck(role: "target", client: target.nodes[0].client, logger: logger)
            .require(.manage(operation: "restore (it creates collections, recovers snapshots and switches aliases)"))
        // One restore of a collection at a time on this target: the second is refused (exit 5), not interleaved.
        var locks: [RestoreLock] = []
        do {
            for base in Set(plan.collections.map(\.base)).sorted() {
                let lock = RestoreLock(
                    client: target.nodes[0].client, base: base,
                    hasMetadata: target.hasCollectionMetadata, logger: logger)
                inherited.formUnion(
                    try await lock.acquire(
                        backupID: manifest.id, staging: plan.collections.filter { $0.base == base }.map(\.staging)))
                locks.append(lock)
            }
            let result = try await runSteps()
            for lock in locks.reversed() { await lock.release() }
            return result
        } catch {
            for lock in locks.reversed() { await lock.release() }
            throw error
        }
    }

    /// The restore's steps, with the restore locks held.
    private func runSteps() async throws -> RestoreResult {
        let started = Date()
        if plan.transport != askedTransport && askedTransport != .auto {
            let why =
                manifest.kind == .full
                ? "a full backup is sent collection by collection"
                : "Qdrant Cloud nodes cannot download from a URL"
            logger.notice("using the upload transport instead of --transport \(askedTransport.rawValue): \(why)")
        }
        if plan.transport == .url || manifest.kind == .full { try await inspectObjects() }
        var machine = RestoreStateMachine()
        var action = machine.event(.start)
        while true {
            // A stop (SIGTERM, SIGINT) fails the step about to start: the machine then deletes the staging collections.
            if let stopped = ProcessStop.stoppedError,
                [.cleanStale, .recoverNext, .verify, .switchAliases].contains(action),
                failure == nil
            {
                failure = stopped
                logger.error("restore stopped: \(stopped.message); removing the staging collection(s)")
                action = machine.event(.failed(stopped.message))
                continue
            }
            switch action {
            case .cleanStale:
                action = machine.event(await attempt { try await cleanStale() } ?? .cleaned)
            case .recoverNext:
                action = machine.event(await attempt { try await recoverNext() } ?? .recovered(remaining: queue.count))
            case .verify:
                action = machine.event(await attempt { try await verifyAll() } ?? .verified)
            case .switchAliases:
                action = machine.event(await attempt { try await switchAliases() } ?? .switched)
            case .deleteStaging:
                action = await machine.event(deleteStaging())
            case .finish:
                let (aliases, previous) = aliasTargets()
                return RestoreResult(
                    backupID: manifest.id, transport: plan.transport, collections: verified,
                    aliases: aliases, previous: previous, removedStale: removedStale,
                    durationSeconds: Date().timeIntervalSince(started))
            case .fail(let reason):
                throw failure ?? QSnapError(.restoreFailed, reason)
            case .invalid:
                throw QSnapError(
                    .restoreInternal, "restore state machine got an unexpected event in \(machine.state)")
            }
        }
    }

    /// Runs `body`; on error records it and returns the `failed` event, else `nil`.
    private func attempt(_ body: () async throws -> Void) async -> RestoreStateMachine.Event? {
        do {
            try await body()
            return nil
        } catch {
            let wrapped = QSnapError(mapping: error, else: .restoreFailed)
            if failure == nil { failure = wrapped }
            logger.error("restore failed: \(wrapped.message)")
            return .failed(wrapped.message)
        }
    }

    // MARK: - Steps

    /// `--transport url`: the node streams what it downloads straight into its unpacker, so before the target sees
    /// a byte every object to send is read back from the repository and inspected deep (every entry at every level,
    /// as Qdrant's unpacker would meet it) with the manifest's SHA-256. An unsafe or damaged object refuses the whole
    /// restore (exit 3 or 4) with the target untouched.
    ///
    /// `--transport upload` inspects each object in the same pass as its upload instead (``ObjectInspection``): the
    /// node receives the object's last bytes only once the whole object passed, so an unsafe or damaged object is
    /// never recovered either; the restore then fails with the same exit code (3 or 4) and removes the staging
    /// collection when an earlier object had created it.
    private func inspectObjects() async throws {
        var reports: [String: SnapshotReport?] = [:]
        for c in plan.collections.indices {
            for object in objects(of: c) where reports[object.key] == nil {
                do {
                    let inspected = try await sender.inspect(object)
                    reports[object.key] = inspected.report
                    if object.sha256 == nil { computedSHA256[object.key] = inspected.sha256 }
                } catch {
                    guard let error = QSnapError(mapping: error) else { throw error }
                    throw QSnapError(
                        error.code,
                        "refusing to restore backup \(manifest.id): \(error.message); nothing was sent to the target")
                }
            }
            if manifest.kind == .full {
                let source = plan.collections[c].source
                for object in objects(of: c) {
                    guard let found = NestedSnapshot.find(source, in: reports[object.key] ?? nil) else {
                        throw QSnapError(
                            .restoreNestedMissing,
                            "refusing to restore backup \(manifest.id): \(object.key) holds no snapshot of "
                                + "collection \(source); nothing was sent to the target")
                    }
                    nested[object.key + "\u{0}" + source] = found
                }
            }
        }
    }

    private func cleanStale() async throws {
        try await target.refresh()
        let client = target.nodes[0].client
        for c in plan.collections {
            for name in try await target.staleStaging(base: c.base, inherited: inherited) {
                logger.notice("removing \(name), left by an interrupted restore")
                try await client.deleteCollection(name)
                removedStale.append(name)
            }
        }
        queue = plan.collections.indices.map { Work.start(collection: $0) }
    }

    private func objects(of collection: Int) -> [BackupManifest.Object] {
        manifest.objects(of: plan.collections[collection].source)
    }

    private func recoverNext() async throws {
        guard !queue.isEmpty else { return }
        switch queue.removeFirst() {
        case .start(let c):
            try await start(collection: c)
        case .send(let c, let o, let n, let scope):
            try await send(collection: c, object: o, node: n, scope: scope)
        case .indexes(let c):
            try await createIndexes(collection: c)
        }
    }

    private func send(collection c: Int, object o: Int, node n: Int, scope: SnapshotScope) async throws {
        var object = objects(of: c)[o]
        // A server-side copy not yet verified: the node checks the SHA-256 qsnap computed in its inspection.
        if object.sha256 == nil { object.sha256 = computedSHA256[object.key] }
        let node = target.nodes[n]
        logger.notice("recovering \(object.key) (\(ByteCount.format(object.size))) on \(node.url)")
        let t0 = Date()
        if manifest.kind == .full, case .collection(let name) = scope {
            let source = plan.collections[c].source
            guard let file = nested[object.key + "\u{0}" + source] else {
                throw QSnapError(
                    .restoreInternal, "\(object.key) was not inspected before sending \(source)")
            }
            try await sender.sendNested(object, nested: file, collection: name, to: node)
        } else {
            try await sender.send(object, scope: scope, to: node)
        }
        progress.add(node: node.url, bytes: object.size)
        progress.objectDone(node: node.url)
        recoveries[c].append(
            RestoreResult.Recovery(
                node: node.url, key: object.key, bytes: object.size,
                seconds: Date().timeIntervalSince(t0)))
    }

    private func start(collection c: Int) async throws {
        let cp = plan.collections[c]
        let objects = self.objects(of: c)
        created.append(cp.staging)
        var restored: Set<Int> = []
        let marker = RestoreNaming.stagingMetadata(base: cp.base, backupID: manifest.id)
        if manifest.kind == .shard {
            let config = manifest.collections.first { $0.name == cp.source }!.config
            var body = CollectionCreateBody.from(config: config)
            if target.hasCollectionMetadata, case .object(var fields) = body {
                var metadata = fields["metadata"]?.objectValue ?? [:]
                metadata.merge(marker.objectValue ?? [:]) { _, new in new }
                fields["metadata"] = .object(metadata)
                body = .object(fields)
            }
            try await target.nodes[0].client.createCollection(cp.staging, config: body)
        } else {
            // The first recovery creates the collection from the snapshot's own config (with payload indexes).
            let candidates = objects.indices.filter { cp.objects[$0].needed }
            guard let first = candidates.max(by: { objects[$0].shards.count < objects[$1].shards.count }) else {
                throw QSnapError(.restoreNoObjects, "backup \(manifest.id) has no object for \(cp.source)")
            }
            let node = cp.objects[first].nodeIndex
            try await send(collection: c, object: first, node: node, scope: .collection(cp.staging))
            // Marked at once: only a collection that carries the marker is ever removed as a leftover.
            if target.hasCollectionMetadata {
                try await target.nodes[0].client.updateCollectionMetadata(cp.staging, metadata: marker)
            }
            let local = try await target.nodes[node].client.collectionCluster(cp.staging).localShards.map(\.shardId)
            // A full snapshot comes from one standalone node, which held every shard.
            restored = Set(local).intersection(shards(of: objects[first], collection: c))
        }
        var nodeShards: [[Int]] = []
        for node in target.nodes {
            await nodeShards.append(try node.client.collectionCluster(cp.staging).localShards.map(\.shardId))
        }
        var work: [Work] = []
        if manifest.kind == .shard {
            for (o, object) in objects.enumerated() {
                guard let shard = object.shardId else { continue }
                guard let n = nodeShards.firstIndex(where: { $0.contains(shard) }) else {
                    throw QSnapError(
                        .restorePlacement, "no target node holds shard \(shard) of \(cp.staging)")
                }
                work.append(.send(collection: c, object: o, node: n, scope: .shard(cp.staging, shard)))
            }
            work.append(.indexes(collection: c))
        } else {
            var preferred: [Int: [Int]] = [:]
            for (o, p) in cp.objects.enumerated() where p.needed { preferred[p.nodeIndex, default: []].append(o) }
            let coverage = ShardCoverage.plan(
                nodeShards: nodeShards, objectShards: objects.map { shards(of: $0, collection: c) },
                preferred: preferred, restored: restored)
            if !coverage.uncovered.isEmpty {
                throw QSnapError(
                    .restorePlacement,
                    "no snapshot of the backup can bring shard(s) \(coverage.uncovered.map(String.init).joined(separator: ", ")) "
                        + "onto a target node that holds them")
            }
            work = coverage.steps.map {
                .send(collection: c, object: $0.object, node: $0.node, scope: .collection(cp.staging))
            }
        }
        for case .send(_, let o, let n, _) in work {
            progress.plan(node: target.nodes[n].url, objects: 1)
            progress.expect(node: target.nodes[n].url, bytes: objects[o].size)
        }
        queue.insert(contentsOf: work, at: 0)
    }

    private func createIndexes(collection c: Int) async throws {
        let cp = plan.collections[c]
        guard let record = manifest.collections.first(where: { $0.name == cp.source }) else { return }
        for field in PayloadIndexSchema(record.payloadSchema).fields {
            logger.notice("creating the payload index on \(field.name) (\(field.dataType)) of \(cp.staging)")
            try await target.nodes[0].client.createPayloadIndex(
                cp.staging, field: field.name, schema: field.fieldSchema)
        }
    }

    /// The shards whose data `object` carries for plan collection `c`: every shard for a full snapshot.
    private func shards(of object: BackupManifest.Object, collection c: Int) -> [Int] {
        guard object.kind == .full else { return object.shards }
        let record = manifest.collections.first { $0.name == plan.collections[c].source }
        return Array(0..<max(record?.shardNumber ?? 1, 1))
    }

    private func verifyAll() async throws {
        for (c, cp) in plan.collections.enumerated() {
            let record = manifest.collections.first { $0.name == cp.source }!
            let verifier = RestoreVerifier(nodes: target.nodes, logger: logger, settleTimeout: verifyTimeout)
            let checks = try await verifier.verify(collection: cp.staging, expected: record)
            let samples = checks.contains { $0.name == "samples" && $0.outcome == .passed } ? record.samples.count : 0
            verified.append(
                RestoreResult.Restored(
                    source: cp.source, collection: cp.staging, points: record.pointsCount,
                    samplesChecked: samples, checks: checks, recoveries: recoveries[c]))
        }
    }

    /// Alias → new collection, and rollback alias → old collection.
    private func aliasTargets() -> ([String: String], [String: String]) {
        var aliases: [String: String] = [:]
        var previous: [String: String] = [:]
        for cp in plan.collections {
            for a in cp.aliases { aliases[a] = cp.staging }
            if let main = cp.aliases.first, let old = target.aliases[main], old != cp.staging {
                previous[RestoreNaming.previousAlias(main)] = old
            }
        }
        return (aliases, previous)
    }

    private func switchAliases() async throws {
        try await target.refresh()
        var actions: [AliasAction] = []
        let (aliases, previous) = aliasTargets()
        for cp in plan.collections {
            for a in cp.aliases {
                actions.append(.delete(alias: a))
                actions.append(.create(collection: aliases[a]!, alias: a))
            }
        }
        for (alias, old) in previous.sorted(by: { $0.key < $1.key }) where target.collections.contains(old) {
            actions.append(.create(collection: old, alias: alias))
        }
        logger.notice("switching \(aliases.count) alias(es) in one request")
        try await target.nodes[0].client.updateAliases(actions)
    }

    private func deleteStaging() async -> RestoreStateMachine.Event {
        var problems: [String] = []
        for name in created.reversed() {
            do {
                try await target.nodes[0].client.deleteCollection(name)
                logger.notice("removed the staging collection \(name)")
            } catch {
                problems.append("\(name): \(error)")
            }
        }
        return problems.isEmpty
            ? .stagingDeleted
            : .failed("delete the staging collection(s) by hand: " + problems.joined(separator: "; "))
    }
}
