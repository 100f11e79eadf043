import Foundation
import Logging
import QSnapCore
import Qdrant
import Synchronization

/// Carries out `qsnap migrate`: streams the points of a source collection into a new target collection (Qdrant's
/// Migration Tool path), with checkpoints, verification and an optional alias switch; or, with `--in-place`, adds
/// named vectors to the source collection itself.
///
/// The load: the target is created from the source's config with the overrides and vector changes, with HNSW held
/// back (`m: 0`); `parallel` streams each scroll their own range of point ids (boundaries from a random sample of
/// ids) and upsert every page with `wait=true`, journalling the next offset after each; then the payload indexes are
/// created and HNSW is restored, so the index is built once. Upserts are idempotent, so a rerun after a kill
/// rewrites at most the last page of each stream and ends with the exact count and no duplicate.
public final class MigrationRunner: Sendable {
    let source: QdrantClient
    let target: QdrantClient
    let sourceURL: String
    let targetURL: String
    let options: MigrationOptions
    let logger: Logger
    /// Points written per migration (one line), for a progress display.
    public let progress = TransferProgress(unit: .points)

    /// Creates a runner for the source and target REST URLs and how to connect to each (keys never logged).
    public init(
        sourceURL: String, source: QdrantConnection, targetURL: String, target: QdrantConnection,
        options: MigrationOptions, logger: Logger
    ) {
        self.source = source.client(sourceURL, logger: logger)
        self.target = target.client(targetURL, logger: logger)
        self.sourceURL = SafeURL.display(sourceURL)
        self.targetURL = SafeURL.display(targetURL)
        self.options = options
        self.logger = logger
    }

    /// Runs the migration.
    /// - Throws: `usage` (bad vector changes), `refused` (an existing target, a changed source on resume, an in-place
    ///   change the source cannot take), `verificationFailed` (exit 4), or a transport/server failure.
    public func run() async throws -> MigrationResult {
        let started = Date()
        let collection = options.plan.collection
        let info = try await source.collectionInfo(collection)
        if options.inPlace {
            try await QdrantAccessCheck(role: "source", client: source, logger: logger)
                .require(.writeCollections([collection], operation: "--in-place (it adds a vector to the collection)"))
            return try await addInPlace(config: info.config, started: started)
        }
        try await QdrantAccessCheck(role: "target", client: target, logger: logger)
            .require(.manage(operation: "migrate (it creates the target collection)"))
        let plan = try MigrationPlan(sourceConfig: info.config, options: options.plan)
        let expected = try await source.countPoints(collection, filter: options.plan.filter)
        let store = MigrationJournalStore(
            directory: options.stateDirectory, sourceURL: sourceURL, collection: collection,
            targetURL: targetURL, target: plan.options.target)
        var (journal, resumed) = try await openJournal(store: store, plan: plan)
        if !journal.targetCreated {
            guard await !(try target.collectionExists(plan.options.target)) else {
                throw QSnapError(
                    .migrateTargetExists,
                    "the target collection \(plan.options.target) already exists on \(targetURL); migrate "
                        + "never writes into a collection it did not create. Choose another name with --as")
            }
            journal.targetCreated = true  // the intent first: a rerun after a kill here creates it again if missing
            try store.save(journal)
        }
        if await !(try target.collectionExists(plan.options.target)) {
            logger.notice("creating \(plan.options.target) on \(targetURL) (HNSW held back for the load)")
            try await target.createCollection(plan.options.target, config: plan.createBody)
        }
        let before = journal.written
        progress.plan(node: Self.progressLine(plan), objects: 0)
        progress.expect(
            node: Self.progressLine(plan), bytes: Int64(max(0, expected - journal.written)))
        let t0 = Date()
        if !journal.loaded {
            journal = try await load(plan: plan, journal: journal, store: store)
            for field in PayloadIndexSchema(info.payloadSchema).fields {
                logger.notice("creating the payload index on \(field.name) (\(field.dataType))")
                try await target.createPayloadIndex(plan.options.target, field: field.name, schema: field.fieldSchema)
            }
            logger.notice("restoring hnsw_config.m = \(plan.hnswM): the index is built once, now")
            try await target.updateCollection(
                plan.options.target, body: .object(["hnsw_config": .object(["m": .integer(Int64(plan.hnswM))])]))
            journal.loaded = true
            try store.save(journal)
        }
        let loadSeconds = Date().timeIntervalSince(t0)
        let checks = try await MigrationVerifier(source: source, target: target, plan: plan, logger: logger)
            .verify(expected: expected, samples: options.verifySamples)
        var previous: [String: String] = [:]
        if let alias = options.alias { previous = try await switchAlias(alias, to: plan.options.target) }
        store.remove()
        let written = journal.written - before
        return MigrationResult(
            source: collection, target: plan.options.target, mode: "copy", points: expected, written: written,
            streams: journal.streams.count, resumed: resumed, checks: checks, alias: options.alias, previous: previous,
            seconds: Date().timeIntervalSince(started),
            pointsPerSecond: loadSeconds > 0 ? Double(written) / loadSeconds : 0)
    }

    // MARK: - Journal

    private func openJournal(store: MigrationJournalStore, plan: MigrationPlan) async throws -> (MigrationJournal, Bool)
    {
        if let existing = try store.load() {
            if options.resume {
                guard existing.fingerprint == plan.fingerprint else {
                    throw QSnapError(
                        .migrateResumeChanged,
                        "an interrupted migration of \(plan.options.collection) into \(plan.options.target) exists, but "
                            + "the source config, the filter or the options changed since (journal \(store.path)); rerun "
                            + "with the same options to resume, or with --no-resume to discard its target and start over"
                    )
                }
                logger.notice(
                    "resuming the migration started \(existing.startedAt): \(existing.written) point(s) written")
                return (existing, true)
            }
            if existing.targetCreated, try await target.collectionExists(existing.target) {
                logger.notice("--no-resume: deleting \(existing.target), the target of the interrupted migration")
                try await target.deleteCollection(existing.target)
            }
            store.remove()
        }
        let streams = try await plannedStreams(plan: plan)
        let journal = MigrationJournal(
            fingerprint: plan.fingerprint, source: plan.options.collection,
            target: plan.options.target, streams: streams,
            startedAt: ISO8601DateFormatter().string(from: Date()))
        try store.save(journal)
        return (journal, false)
    }

    /// One stream per range of ids: boundaries from a random sample of ids (Qdrant ≥ 1.11), else a single stream.
    private func plannedStreams(plan: MigrationPlan) async throws -> [MigrationJournal.Stream] {
        guard options.parallel > 1 else { return [MigrationJournal.Stream(start: nil, end: nil)] }
        let version = try await source.serverInfo().version
        guard version >= PointSampler.randomQuerySince else {
            logger.notice("the source (\(version)) has no random sampling: one stream")
            return [MigrationJournal.Stream(start: nil, end: nil)]
        }
        var body: [String: JSONValue] = [
            "query": .object(["sample": .string("random")]), "limit": .integer(Int64(options.parallel * 32)),
            "with_payload": .bool(false), "with_vector": .bool(false),
        ]
        if let filter = options.plan.filter { body["filter"] = filter }
        let ids = await (try source.query(plan.options.collection, body: .object(body))["points"]?.arrayValue ?? [])
            .compactMap { $0["id"] }
        let bounds = PointIdOrder.boundaries(sample: ids, count: options.parallel)
        var streams: [MigrationJournal.Stream] = []
        var start: JSONValue?
        for bound in bounds {
            streams.append(MigrationJournal.Stream(start: start, end: bound))
            start = bound
        }
        streams.append(MigrationJournal.Stream(start: start, end: nil))
        return streams
    }

    // MARK: - Load

    /// The streams run `parallel` at once (a bounded task group) sharing one journal; the first failure stops the
    /// others after their current batch.
    private func load(plan: MigrationPlan, journal: MigrationJournal, store: MigrationJournalStore) async throws
        -> MigrationJournal
    {
        let shared = SharedJournal(journal)
        let pending = journal.streams.indices.filter { !journal.streams[$0].done }
        let workers = min(options.parallel, pending.count)
        logger.notice(
            "loading \(plan.options.collection) → \(plan.options.target): \(journal.streams.count) stream(s), \(workers) at once, \(options.batch) points per batch"
        )
        await withTaskGroup(of: Void.self) { group in
            var queue = pending.makeIterator()
            func start(_ k: Int) {
                group.addTask { [self] in
                    do { try await stream(k, plan: plan, shared: shared, store: store) } catch {
                        shared.fail(QSnapError(mapping: error, else: .migrateStream))
                    }
                }
            }
            for _ in 0..<workers {
                if let k = queue.next() { start(k) }
            }
            for await _ in group where shared.failure == nil {
                if let k = queue.next() { start(k) }
            }
        }
        if let failure = shared.failure { throw failure }
        return shared.value
    }

    /// The progress line of a migration: `source → target`.
    static func progressLine(_ plan: MigrationPlan) -> String { "\(plan.options.collection) → \(plan.options.target)" }

    /// Scrolls stream `k` from its checkpoint to the end of its range, upserting every page.
    private func stream(_ k: Int, plan: MigrationPlan, shared: SharedJournal, store: MigrationJournalStore) async throws
    {
        let state = shared.value.streams[k]
        let endKey = state.end.flatMap(PointIdOrder.key)
        var offset = state.next ?? state.start
        while shared.failure == nil {
            try ProcessStop.check()
            let page = try await source.scroll(
                plan.options.collection, filter: options.plan.filter, limit: options.batch,
                offset: offset)
            var points: [JSONValue] = []
            var reachedEnd = page.next == nil
            for point in page.points {
                if let endKey, let id = point["id"], let key = PointIdOrder.key(id), key >= endKey {
                    reachedEnd = true  // the next stream's range: read past by at most one page, never written here
                    break
                }
                points.append(plan.rewrite(point))
            }
            if !points.isEmpty {
                try await target.upsert(plan.options.target, points: points)
                progress.add(node: Self.progressLine(plan), bytes: Int64(points.count))
            }
            offset = page.next
            // Changed and saved in one critical section: the file never goes back to an older state.
            try shared.update(saving: store) { journal in
                journal.streams[k].written += points.count
                journal.streams[k].next = offset
                journal.streams[k].done = reachedEnd
            }
            if reachedEnd { return }
        }
    }

    // MARK: - Alias and in-place

    /// Points `alias` at `collection` in one request; the collection it pointed at before keeps
    /// `<alias>-qsnap-previous` for rollback.
    private func switchAlias(_ alias: String, to collection: String) async throws -> [String: String] {
        if try await target.collectionExists(alias),
            await !(try target.listAliases().contains { $0.aliasName == alias })
        {
            throw QSnapError(
                .migrateAlias,
                "a collection named \(alias) exists on \(targetURL): Qdrant cannot create an alias with a "
                    + "collection's name. The migrated collection \(collection) is verified; pick another --alias")
        }
        let old = try await target.listAliases().first { $0.aliasName == alias }?.collectionName
        var actions: [AliasAction] = [.delete(alias: alias), .create(collection: collection, alias: alias)]
        var previous: [String: String] = [:]
        if let old, old != collection {
            let rollback = RestoreNaming.previousAlias(alias)
            actions += [.delete(alias: rollback), .create(collection: old, alias: rollback)]
            previous[rollback] = old
        }
        logger.notice("switching alias \(alias) → \(collection)")
        try await target.updateAliases(actions)
        return previous
    }

    /// `--in-place`: adds each vector to the source collection (Qdrant ≥ 1.18, named vectors); nothing is copied.
    private func addInPlace(config: JSONValue, started: Date) async throws -> MigrationResult {
        let collection = options.plan.collection
        let version = try await source.serverInfo().version
        guard version >= QdrantVersion(major: 1, minor: 18, patch: 0) else {
            throw QSnapError(
                .migrateInPlaceVersion,
                "--in-place needs Qdrant 1.18 or later on \(sourceURL) (it runs \(version)): migrate into a "
                    + "new collection instead (drop --in-place)")
        }
        guard config["params"]?["vectors"]?["size"] == nil else {
            throw QSnapError(
                .migrateInPlaceUnnamed,
                "\(collection) has one unnamed vector, which cannot gain a named vector beside it: migrate into "
                    + "a new collection with --add-vector and --rename-vector =NAME instead (drop --in-place)")
        }
        guard !options.plan.additions.isEmpty else {
            throw QSnapError(.migrateInPlace, "--in-place needs at least one --add-vector")
        }
        if let sparse = options.plan.additions.first(where: \.isSparse) {
            throw QSnapError(
                .migrateInPlaceSparse,
                "\(sparse.name) is a sparse vector, which only a new collection can add: drop --in-place")
        }
        for addition in options.plan.additions {
            logger.notice("adding the vector \(addition.name) to \(collection) on \(sourceURL)")
            try await source.addVector(collection, vector: addition.name, config: addition.schemaBody)
        }
        let vectors = try await source.collectionInfo(collection).config["params"]?["vectors"]
        let missing = options.plan.additions.filter { vectors?[$0.name] == nil }.map(\.name)
        guard missing.isEmpty else {
            throw QSnapError(
                .migrateInPlaceUnverified,
                "\(collection) does not show the added vector(s) \(missing.joined(separator: ", "))")
        }
        let check = VerificationCheck(
            name: "vectors", outcome: .passed,
            detail: "added " + options.plan.additions.map(\.name).joined(separator: ", "))
        return await MigrationResult(
            source: collection, target: collection, mode: "in-place",
            points: try source.countPoints(collection, exact: true),
            written: 0, streams: 0, resumed: false, checks: [check], alias: nil, previous: [:],
            seconds: Date().timeIntervalSince(started), pointsPerSecond: 0)
    }
}

/// The journal shared by the stream tasks.
final class SharedJournal: Sendable {
    private let state: Mutex<(journal: MigrationJournal, failure: QSnapError?)>

    init(_ journal: MigrationJournal) { state = Mutex((journal, nil)) }

    var value: MigrationJournal { state.withLock { $0.journal } }
    var failure: QSnapError? { state.withLock { $0.failure } }

    func fail(_ error: QSnapError) { state.withLock { if $0.failure == nil { $0.failure = error } } }

    /// Applies `change` and saves the journal as it is then, under the lock.
    func update(saving store: MigrationJournalStore, _ change: (inout MigrationJournal) -> Void) throws {
        try state.withLock { s in
            change(&s.journal)
            try store.save(s.journal)
        }
    }
}
