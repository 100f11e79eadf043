import Foundation
import Logging
import QSnapCore

/// Deletes named backups (`qsnap forget ID…`), with ``BackupDeleter`` — the order prune uses: deletion marker,
/// objects, manifest last, marker.
///
/// Every id is checked before anything is deleted: an unknown id, or a folder without manifest (an interrupted or
/// running backup: prune removes those after their grace period), is a usage error; a pinned backup or the newest
/// verified backup is refused by ``ForgetGate`` unless ``Options/force``. A folder an interrupted prune or forget
/// left with its deletion marker is finished without checks. Without ``Options/execute`` nothing is changed.
public struct ForgetRunner {
    /// How a forget runs.
    public struct Options: Sendable {
        /// Backup ids, or `latest` (the newest complete backup).
        public var ids: [String]
        /// Delete pinned backups and the newest verified backup too.
        public var force: Bool
        /// Delete (`--yes`); otherwise only report.
        public var execute: Bool

        /// Creates options.
        public init(ids: [String], force: Bool, execute: Bool) {
            self.ids = ids
            self.force = force
            self.execute = execute
        }
    }

    private let repository: any Repository
    private let options: Options
    private let lock: HeldRepositoryLock?
    private let logger: Logger

    /// Creates a runner; `lock` (required by callers that delete) is checked before every deletion.
    public init(repository: any Repository, options: Options, lock: HeldRepositoryLock?, logger: Logger) {
        self.repository = repository
        self.options = options
        self.lock = lock
        self.logger = logger
    }

    /// Checks every id, then (with ``Options/execute``) deletes the backups oldest first.
    /// - Throws: `usage` for unknown ids, `refused("forget.protected")` for protected backups without `force`.
    public func run() async throws -> ForgetReport {
        let inventory = try await RepositoryInventory.scan(repository)
        let targets = try resolve(inventory)

        var labels: [String: BackupLabels] = [:]
        var locked: [(id: String, lock: BackupObjectLock)] = []
        let now = Date()
        for entry in targets where !entry.beingDeleted {
            do {
                let protection = try await ManifestStore.protection(entry.id, from: repository)
                labels[entry.id] = protection.labels
                if protection.lock.isLocked(at: now) { locked.append((entry.id, protection.lock)) }
            } catch  where options.force {
                logger.warning("\(QSnapError.message(of: error)); deleting it anyway (--force)")
            }
        }
        // S3 Object Lock cannot be overridden (not even with --force): nothing is deleted while a target is locked.
        if !locked.isEmpty {
            let list = locked.map { item in
                "\(item.id) (\(item.lock.mode?.rawValue ?? "locked") until \(UTCCivilTime.iso8601(item.lock.retainUntil!)))"
            }
            throw QSnapError(
                .forgetObjectLock,
                "S3 Object Lock retention protects \(list.joined(separator: ", ")): its objects cannot be deleted "
                    + "before then, so nothing was deleted; forget \(locked.count == 1 ? "it" : "them") after that date "
                    + "(prune keeps locked backups and deletes them once their retention has passed)")
        }
        let forced = try ForgetGate.check(
            forgetting: targets.filter { !$0.beingDeleted }.map(\.id),
            among: inventory.retentionBackups(labels: labels), force: options.force)

        var deleted: [PruneReport.DeletedBackup] = []
        if options.execute {
            let uploading = try await BackupDeleter.backupIDs(withUploadsIn: repository)
            let deleter = BackupDeleter(repository: repository, lock: lock)
            for entry in targets {
                logger.notice(
                    entry.beingDeleted
                        ? "finishing the interrupted deletion of backup \(entry.id)" : "deleting backup \(entry.id)")
                await deleted.append(
                    try deleter.delete(
                        entry, reason: "forget", resumed: entry.beingDeleted, abortUploads: uploading.contains(entry.id)
                    ))
            }
        } else {
            deleted = targets.map {
                .init(id: $0.id, objects: $0.objects.count, bytes: $0.bytes, resumed: $0.beingDeleted)
            }
        }
        return ForgetReport(
            repository: repository.displayURL, executed: options.execute, deleted: deleted, forced: forced)
    }

    /// The folders named by the ids, oldest first, each once.
    private func resolve(_ inventory: RepositoryInventory) throws -> [RepositoryInventory.Entry] {
        guard !options.ids.isEmpty else {
            throw QSnapError(.forgetIds, "name at least one backup id (or latest); see qsnap list")
        }
        let byID = Dictionary(uniqueKeysWithValues: inventory.entries.map { ($0.id, $0) })
        var chosen: [String: RepositoryInventory.Entry] = [:]
        for raw in options.ids {
            var id = raw
            if raw == "latest" {
                guard let last = inventory.completeEntries.last?.id else {
                    throw QSnapError(.backupNone, "\(repository.displayURL) holds no backup yet")
                }
                id = last
            }
            guard BackupLayout.isValidID(id) else {
                throw QSnapError(
                    .backupId,
                    "\(id.prefix(80)) is not a backup id (they look like 20261121T103000Z-1a2b3c); see qsnap list")
            }
            guard let entry = byID[id], entry.hasManifest || entry.beingDeleted else {
                let interrupted = byID[id]?.hasProgress == true
                throw QSnapError(
                    .backupNotFound,
                    interrupted
                        ? "backup \(id) has no manifest: it is an interrupted or running backup, not a backup to forget (qsnap prune removes it after --interrupted-grace-hours); nothing was deleted"
                        : "backup \(id) does not exist in \(repository.displayURL) (no manifest); see qsnap list; nothing was deleted"
                )
            }
            chosen[id] = entry
        }
        return chosen.keys.sorted().map { chosen[$0]! }
    }
}
