import Foundation
import Logging
import QSnapCore

/// Applies a retention policy to a repository: plans with ``RetentionPlanner`` and, when asked, deletes.
///
/// The plan honours the tags (`keep-tags`) and pins recorded in the manifests. Backups are deleted by
/// ``BackupDeleter`` (a deletion marker, the objects, the manifest **last**, the marker). A prune interrupted
/// anywhere leaves either the complete backup or a folder carrying the marker; the next prune finishes such
/// folders first, whatever the plan says, and never counts them as backups.
///
/// Also cleans up interrupted backups: folders without manifest older than ``Options/interruptedGrace`` (their
/// objects, journal and unfinished uploads). Younger ones may still be running and are left alone.
public struct PruneRunner {
    /// How a prune runs.
    public struct Options: Sendable {
        /// The retention policy.
        public var policy: RetentionPolicy
        /// Delete (`--yes`); otherwise only plan.
        public var execute: Bool
        /// How old a backup without manifest must be before it is treated as abandoned, in seconds.
        public var interruptedGrace: TimeInterval
        /// The planning time.
        public var now: Date

        /// Creates options.
        public init(
            policy: RetentionPolicy, execute: Bool, interruptedGrace: TimeInterval = 24 * 3600, now: Date = Date()
        ) {
            self.policy = policy
            self.execute = execute
            self.interruptedGrace = interruptedGrace
            self.now = now
        }
    }

    private let repository: any Repository
    private let options: Options
    private let lock: HeldRepositoryLock?
    private let logger: Logger

    /// Creates a runner; `lock` (when given) is checked before every deletion.
    public init(repository: any Repository, options: Options, lock: HeldRepositoryLock? = nil, logger: Logger) {
        self.repository = repository
        self.options = options
        self.lock = lock
        self.logger = logger
    }

    /// Plans and (with ``Options/execute``) deletes.
    public func run() async throws -> PruneReport {
        let inventory = try await RepositoryInventory.scan(repository)
        let byID = Dictionary(uniqueKeysWithValues: inventory.entries.map { ($0.id, $0) })
        // One listing of unfinished uploads for the whole run (a local listing walks the whole directory tree).
        let uploading = await options.execute ? try BackupDeleter.backupIDs(withUploadsIn: repository) : []
        let deleter = BackupDeleter(repository: repository, lock: lock)
        var deleted: [PruneReport.DeletedBackup] = []

        // 1. Finish deletions an interrupted prune started.
        for entry in inventory.entries where entry.beingDeleted {
            if options.execute {
                logger.notice("finishing the interrupted deletion of backup \(entry.id)")
                await deleted.append(
                    try deleter.delete(
                        entry, reason: "retention", resumed: true, abortUploads: uploading.contains(entry.id)))
            } else {
                deleted.append(.init(id: entry.id, objects: entry.objects.count, bytes: entry.bytes, resumed: true))
            }
        }

        // 2. Retention, with the tags, pins and Object Lock retention of the manifests: a locked backup is kept
        //    (reason `object lock until …`), never sent to a delete that S3 would refuse or hide behind delete markers.
        let protections = try await ManifestStore.protections(of: inventory, in: repository)
        let plan = try RetentionPlanner.plan(
            backups: inventory.retentionBackups(labels: protections.labels, locks: protections.locks),
            policy: options.policy, now: options.now)
        for backup in plan.forgotten {
            guard let entry = byID[backup.id] else { continue }
            if options.execute {
                logger.notice("deleting backup \(entry.id)")
                await deleted.append(
                    try deleter.delete(
                        entry, reason: "retention", resumed: false, abortUploads: uploading.contains(entry.id)))
            } else {
                deleted.append(.init(id: entry.id, objects: entry.objects.count, bytes: entry.bytes, resumed: false))
            }
        }

        // 3. Interrupted backups (no manifest, no deletion marker).
        var interrupted: [PruneReport.InterruptedBackup] = []
        for entry in inventory.entries where !entry.hasManifest && !entry.beingDeleted {
            let age = entry.time.map { options.now.timeIntervalSince($0) } ?? 0
            var record = PruneReport.InterruptedBackup(
                id: entry.id, ageSeconds: age, objects: entry.objects.count, bytes: entry.bytes,
                action: "kept: within grace", abortedUploads: 0)
            let lockedUntil = await age > options.interruptedGrace ? journalLock(entry) : nil
            if let until = lockedUntil {
                record.action = "kept: object lock until \(UTCCivilTime.iso8601(until))"
            } else if age > options.interruptedGrace {
                if options.execute {
                    try lock?.ensureHeld()
                    logger.notice("removing interrupted backup \(entry.id) (\(WallClockDuration.format(age)) old)")
                    if uploading.contains(entry.id) {
                        record.abortedUploads = try await repository.abortIncompleteUploads(
                            prefix: BackupLayout.folder(entry.id))
                    }
                    // Objects first, the journal last: a half-removed folder still shows it was a backup.
                    let journal = BackupLayout.progress(entry.id)
                    let keys = entry.objects.map(\.key)
                    try await repository.delete(keys: keys.filter { $0 != journal })
                    try await repository.delete(keys: keys.filter { $0 == journal })
                    record.action = "deleted"
                } else {
                    record.action = "would delete"
                }
            }
            interrupted.append(record)
        }

        return PruneReport(
            repository: repository.displayURL, executed: options.execute, plan: plan.json,
            planText: plan.textLines(), deleted: deleted, interrupted: interrupted, serverSnapshots: [])
    }

    /// The Object Lock retention an interrupted backup's journal records, when it has not passed yet: its objects
    /// cannot be deleted before then. `nil` without a journal (nothing says they are locked) or a lock.
    private func journalLock(_ entry: RepositoryInventory.Entry) async -> Date? {
        guard entry.hasProgress, let bytes = try? await repository.getAll(key: BackupLayout.progress(entry.id)),
            let journal = try? JSONDecoder().decode(BackupProgress.self, from: Data(bytes)),
            let seconds = journal.storage?.objectLock?.retainUntilSeconds
        else { return nil }
        let until = Date(timeIntervalSince1970: TimeInterval(seconds))
        return until > options.now ? until : nil
    }
}
