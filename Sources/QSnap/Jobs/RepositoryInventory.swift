import Foundation
import QSnapCore

/// Every backup folder of a repository as one listing shows it: complete backups (with a manifest), interrupted
/// ones (a `progress.json` journal without manifest), half-deleted ones (a prune's deletion marker) and orphans.
public struct RepositoryInventory: Sendable {
    /// One `backups/<id>/` folder.
    public struct Entry: Sendable {
        /// The backup id.
        public var id: String
        /// Every object in the folder.
        public var objects: [RepositoryObject]

        /// True when the manifest exists: the backup is complete.
        public var hasManifest: Bool { contains(BackupLayout.manifest(id)) }
        /// True when `verification.json` exists (written by a successful `qsnap verify`).
        public var verified: Bool { contains(RepositoryInventory.verificationKey(id)) }
        /// True when the resume journal of a running or interrupted backup exists.
        public var hasProgress: Bool { contains(BackupLayout.progress(id)) }
        /// True when a prune started deleting this backup and was interrupted.
        public var beingDeleted: Bool { contains(RepositoryInventory.deletionMarkerKey(id)) }
        /// The time encoded in the id.
        public var time: Date? { BackupLayout.date(ofID: id) }
        /// Bytes of every object in the folder.
        public var bytes: Int64 { objects.reduce(0) { $0 + $1.size } }

        private func contains(_ key: String) -> Bool { objects.contains { $0.key == key } }
    }

    /// The folders, oldest id first.
    public var entries: [Entry]

    /// `backups/<id>/verification.json`.
    public static func verificationKey(_ id: String) -> String { BackupLayout.folder(id) + "verification.json" }
    /// `backups/<id>/deleting.json`: written by a prune before it deletes anything of the backup.
    public static func deletionMarkerKey(_ id: String) -> String { BackupLayout.folder(id) + "deleting.json" }

    /// Lists `backups/` once and groups the objects by backup id (keys that are not below a valid id are ignored).
    public static func scan(_ repository: any Repository) async throws -> RepositoryInventory {
        var groups: [String: [RepositoryObject]] = [:]
        for object in try await repository.list(prefix: BackupLayout.backupsFolder) {
            guard let id = BackupLayout.backupID(inKey: object.key) else { continue }
            groups[id, default: []].append(object)
        }
        return RepositoryInventory(
            entries: groups.keys.sorted().map { Entry(id: $0, objects: groups[$0]!.sorted { $0.key < $1.key }) })
    }

    /// Complete backups that are not being deleted, as the retention planner sees them, with the tags and pins of
    /// `labels` and the Object Lock retention of `locks` (by id; a backup missing there has none).
    public func retentionBackups(
        labels: [String: BackupLabels] = [:], locks: [String: BackupObjectLock] = [:]
    ) -> [RetentionBackup] {
        completeEntries.compactMap { entry in
            guard let time = entry.time else { return nil }
            let l = labels[entry.id] ?? BackupLabels()
            return RetentionBackup(
                id: entry.id, time: time, verified: entry.verified, pinned: l.pinned, tags: l.tags,
                lockedUntil: locks[entry.id]?.retainUntil)
        }
    }

    /// The folders holding a complete backup (a manifest, no deletion marker).
    public var completeEntries: [Entry] { entries.filter { $0.hasManifest && !$0.beingDeleted } }
}
