import Foundation
import Logging
import QSnapCore
import Qdrant
import Synchronization

/// The result of a backup run.
public struct BackupResult: Sendable, Codable {
    public var id: String
    public var repository: String
    public var kind: BackupKind
    public var objects: Int
    public var bytes: Int64
    /// Objects a resumed run found already stored and did not upload again.
    public var reusedObjects: Int
    /// Objects the store copied server-side from the nodes' own S3 snapshot storage (no byte through this host).
    public var serverSideCopies: Int
    public var resumed: Bool
    public var durationSeconds: Double
    public var collections: [String]
}

/// Runs a backup: plan, snapshot every unit on its node with bounded parallelism, stream each into the repository,
/// then write the manifest last. An interrupted run leaves a journal (`progress.json`) that the next run of the same
/// backup resumes from; it never leaves a manifest for an incomplete backup.
///
/// The caller holds the repository lock (`qsnap backup` takes it, `qsnap run` holds it for the whole job) and passes
/// it in: the journal records its owner as the writer, every step checks the lock is still held, and a journal is
/// resumed only when ``JournalResumePolicy`` says its writer is gone.
public final class BackupRunner: Sendable {
    private let repository: any Repository
    private let source: DiscoveredSource
    private let options: BackupOptions
    private let heldLock: HeldRepositoryLock?
    /// This run's identity, recorded in the journal: the lock's owner, else this process.
    private let writer: RepositoryLock.Owner
    private let logger: Logger
    public let progress = TransferProgress()

    /// The run's journal, shared by the transfers (one save at a time, in the order of the changes).
    private let journal: BackupJournal
    /// Counts the transfers report.
    private let tally = Mutex(Tally())

    private struct Tally {
        var checksumless = false
        var serverSideCopies = 0
    }

    /// Creates a runner.
    /// - Parameter lock: the repository lock the caller holds (checked before every step; its owner is the
    ///   journal's writer). `nil` only where nothing else can write the repository (tests).
    public init(
        repository: any Repository, source: DiscoveredSource, options: BackupOptions,
        lock: HeldRepositoryLock? = nil, logger: Logger
    ) {
        self.repository = repository
        self.source = source
        var options = options
        options.clusterEnabled = source.topology.clusterEnabled
        self.options = options
        self.heldLock = lock
        self.writer = lock?.current.owner ?? RepositoryLocker.currentOwner()
        self.logger = logger
        journal = BackupJournal(repository: repository)
    }

    /// Runs the backup to completion: up to `parallel` transfers at once (a bounded task group); the first failure
    /// cancels the others.
    public func run() async throws -> BackupResult {
        let started = Date()
        for tag in options.tags { try BackupLabels.validate(tag: tag) }
        if options.serverSide == .always, !(repository is S3Repository) {
            throw QSnapError(
                .backupServerSide,
                "--server-side needs a plain (unencrypted) S3 repository on the endpoint the nodes write their "
                    + "snapshots to; \(repository.displayURL) is not one. Drop --server-side to stream the snapshots")
        }
        try heldLock?.ensureHeld()
        let plan = try BackupPlanner.plan(kind: options.kind, topology: source.topology)
        if let first = source.topology.nodes.first.flatMap({ source.clients[$0.peerId] }) {
            let check = QdrantAccessCheck(role: "source", client: first, logger: logger)
            if options.kind == .full {
                try await check.require(.manage(operation: "a full-storage backup (it creates a full snapshot)"))
            } else {
                try await check.require(
                    .writeCollections(source.collections.map(\.name), operation: "backup (it creates snapshots)"))
            }
        }
        let fingerprint = BackupProgress.fingerprint(kind: options.kind, topology: source.topology)
        try await ensureMarker()

        var resumed = false
        var journal: BackupProgress
        if options.resume, var previous = try await findResumable(fingerprint: fingerprint) {
            previous.writer = writer
            journal = previous
            resumed = true
            logger.notice(
                "resuming interrupted backup \(previous.id) (\(previous.finished.count) objects already stored)")
        } else {
            let id = BackupLayout.newID(at: started, random: (0..<3).map { _ in UInt8.random(in: 0...255) })
            journal = BackupProgress(id: id, fingerprint: fingerprint, startedAt: Self.iso(started), writer: writer)
        }
        if let current = repository.objectSettings {
            journal.storage = current.continuing(journal.storage)
        }
        let id = journal.id
        let aborted = try await repository.abortIncompleteUploads(prefix: BackupLayout.folder(id))
        if aborted > 0 { logger.notice("discarded \(aborted) unfinished upload(s) of the interrupted run") }

        // Objects a previous run stored and that are still intact in size are reused.
        var reused: [BackupProgress.Finished] = []
        for done in journal.finished where plan.contains(where: { $0.unit == done.unit }) {
            if let head = try await repository.head(key: done.object.key), head.size == done.object.expectedStoredSize {
                reused.append(done)
            }
        }
        journal.finished = reused
        try await self.journal.start(journal)
        if !options.keepServerSnapshots {
            // The interrupted run may have stopped between storing an object and deleting its server snapshot.
            for done in reused {
                guard let item = plan.first(where: { $0.unit == done.unit }),
                    let client = source.clients[item.node.peerId]
                else { continue }
                let t = SnapshotTransfer(
                    item: item, client: client, repository: repository, backupID: journal.id,
                    options: options, progress: progress, logger: logger)
                if await (try? client.listSnapshots(t.scope).contains { $0.name == done.object.snapshotName }) == true {
                    await t.deleteServerSnapshot(done.object.snapshotName)
                }
            }
        }

        let queue = plan.filter { item in !reused.contains { $0.unit == item.unit } }
        for item in plan { progress.plan(node: item.node.url, objects: 1) }
        for done in reused { progress.objectDone(node: done.object.nodeURL) }
        logger.notice("backup \(id): \(plan.count) object(s) to \(repository.displayURL), \(queue.count) to transfer")

        try await withThrowingTaskGroup(of: Void.self) { group in
            var pending = queue.makeIterator()
            for _ in 0..<max(1, min(options.parallel, queue.count)) {
                guard let item = pending.next() else { break }
                group.addTask { try await self.transfer(item) }
            }
            while try await group.next() != nil {
                guard let item = pending.next() else { continue }
                group.addTask { try await self.transfer(item) }
            }
        }
        journal = self.journal.current
        let (checksumless, serverSideCopies) = tally.withLock { ($0.checksumless, $0.serverSideCopies) }

        // Remove objects of earlier attempts that the final set does not reference (e.g. a crash between an
        // upload and the journal update left an object under an older snapshot name).
        let keep = Set(journal.finished.map(\.object.key))
        let strays = try await repository.list(prefix: BackupLayout.objectsFolder(id)).map(\.key).filter {
            !keep.contains($0)
        }
        if !strays.isEmpty {
            logger.notice("removing \(strays.count) object(s) left by an interrupted attempt")
            try await repository.delete(keys: strays)
        }
        // Every object is stored; uploads of failed attempts whose abort itself failed (e.g. under S3 faults) are
        // discarded now, then checked once more.
        if try await !repository.incompleteUploads(prefix: BackupLayout.folder(id)).isEmpty {
            try await repository.abortIncompleteUploads(prefix: BackupLayout.folder(id))
        }
        let leftovers = try await repository.incompleteUploads(prefix: BackupLayout.folder(id))
        guard leftovers.isEmpty else {
            throw QSnapError(
                .backupOrphanUploads,
                "unfinished uploads remain under \(BackupLayout.folder(id)): \(leftovers.joined(separator: ", ")); run the backup again"
            )
        }

        let completed = Date()
        let ordered = plan.compactMap { item in journal.finished.first { $0.unit == item.unit }?.object }
        let manifest = BackupManifest(
            id: id, kind: options.kind, qsnapVersion: QSnapInfo.version, startedAt: journal.startedAt,
            completedAt: Self.iso(completed),
            source: BackupManifest.Source(
                qdrantVersion: source.version.description, clusterEnabled: source.topology.clusterEnabled,
                nodes: source.topology.nodes.map {
                    .init(peerId: $0.peerId == 0 ? nil : $0.peerId, url: $0.url, version: $0.version.description)
                }),
            collections: source.collections, aliases: source.aliases, objects: ordered,
            checksumsVerifiedAgainstQdrant: !checksumless, resumedFrom: resumed ? id : nil,
            tags: BackupLabels(tags: options.tags).tags, pinned: false, storage: journal.storage)
        try heldLock?.ensureHeld()
        try await ManifestStore.write(manifest, to: repository)
        try? await repository.delete(keys: [BackupLayout.progress(id)])
        return BackupResult(
            id: id, repository: repository.displayURL, kind: options.kind, objects: ordered.count,
            bytes: manifest.totalBytes, reusedObjects: reused.count, serverSideCopies: serverSideCopies,
            resumed: resumed,
            durationSeconds: completed.timeIntervalSince(started), collections: source.collections.map(\.name))
    }

    /// Snapshots one unit and stores it; records each step in the journal.
    private func transfer(_ item: BackupPlanner.Item) async throws {
        try ProcessStop.check()
        try heldLock?.ensureHeld()
        guard let client = source.clients[item.node.peerId] else {
            throw QSnapError(.backupNode, "no client for peer \(item.node.peerId)")
        }
        let current = journal.current
        let t = SnapshotTransfer(
            item: item, client: client, repository: repository, backupID: current.id,
            options: options, progress: progress, logger: logger)
        let pendingKey = item.unit.pathComponent
        let snapshot = try await t.obtainSnapshot(
            reusing: current.pending[pendingKey], creatingBefore: current.creating[pendingKey],
            onCreating: { names in try await self.journal.update { $0.creating[pendingKey] = names } },
            onCreated: { name in
                try await self.journal.update {
                    $0.pending[pendingKey] = name
                    $0.creating[pendingKey] = nil
                }
            })
        if snapshot.checksum == nil { tally.withLock { $0.checksumless = true } }
        let object: BackupManifest.Object
        if let copied = try await t.copyServerSide(snapshot) {
            object = copied
            tally.withLock { $0.serverSideCopies += 1 }
        } else {
            object = try await t.upload(snapshot)
        }
        try await journal.update {
            $0.finished.append(BackupProgress.Finished(unit: item.unit, object: object))
            $0.pending[pendingKey] = nil
        }
        if !options.keepServerSnapshots { await t.deleteServerSnapshot(snapshot.name) }
    }

    private func ensureMarker() async throws {
        if try await repository.head(key: BackupLayout.marker) == nil {
            let marker: JSONValue = .object(["format": .string("qsnap"), "formatVersion": .number(1)])
            try await repository.put(key: BackupLayout.marker, bytes: Array(marker.description.utf8))
        }
    }

    /// The newest journal of the same backup whose writer is gone (``JournalResumePolicy``).
    private func findResumable(fingerprint: String) async throws -> BackupProgress? {
        let keys = try await repository.list(prefix: BackupLayout.backupsFolder).map(\.key)
        let manifests = Set(keys.filter { $0.hasSuffix("/manifest.json") }.compactMap(BackupLayout.backupID(inKey:)))
        let deleting = Set(keys.filter { $0.hasSuffix("/deleting.json") }.compactMap(BackupLayout.backupID(inKey:)))
        let journals = keys.filter { $0.hasSuffix("/progress.json") }.compactMap(BackupLayout.backupID(inKey:))
        let holder = await journals.isEmpty ? nil : currentLockHolder()
        for id in journals.sorted(by: >) where !manifests.contains(id) && !deleting.contains(id) {
            guard let bytes = try? await repository.getAll(key: BackupLayout.progress(id)),
                let journal = try? JSONDecoder().decode(BackupProgress.self, from: Data(bytes)),
                journal.fingerprint == fingerprint
            else { continue }
            let decision = JournalResumePolicy.decide(
                journal: journal, me: writer, lockHolder: holder,
                writerAlive: journal.writer.flatMap(ProcessLiveness.isAlive))
            switch decision {
            case .resume: return journal
            case .skip(let reason): logger.notice("not resuming interrupted backup \(id): \(reason)")
            }
        }
        return nil
    }

    /// The owner of the repository lock as stored now (`nil` when there is none or it cannot be read).
    private func currentLockHolder() async -> RepositoryLock.Owner? {
        let store = RepositoryLocker.reader(for: repository)
        guard let bytes = try? await store.read() else { return nil }
        return (try? RepositoryLock.decode(bytes, location: store.location))?.owner
    }

    static func iso(_ date: Date) -> String { ISO8601DateFormatter().string(from: date) }
}
