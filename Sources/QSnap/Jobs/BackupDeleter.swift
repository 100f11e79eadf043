import Foundation
import QSnapCore

/// Deletes whole backups in the one safe order that `qsnap prune` and `qsnap forget` share:
/// 1. a deletion marker `backups/<id>/deleting.json` (from then on the backup no longer counts as one),
/// 2. unfinished uploads of the folder and every object (snapshots first, then the journal and verification record),
/// 3. the manifest **last**,
/// 4. the marker.
///
/// Interrupted anywhere, it leaves either the complete backup or a folder carrying the marker, which the next
/// prune (or a forget of the same id) finishes. The caller holds the repository lock.
public struct BackupDeleter {
    private let repository: any Repository
    private let lock: HeldRepositoryLock?

    /// Creates a deleter; `lock` (when given) is checked before each backup is touched.
    public init(repository: any Repository, lock: HeldRepositoryLock?) {
        self.repository = repository
        self.lock = lock
    }

    /// Deletes one backup folder as listed in `entry`.
    /// - Parameters:
    ///   - reason: recorded in the marker (`retention`, `forget`).
    ///   - resumed: the folder already carries a marker (an interrupted deletion being finished).
    ///   - abortUploads: the folder has unfinished uploads to discard.
    public func delete(_ entry: RepositoryInventory.Entry, reason: String, resumed: Bool, abortUploads: Bool)
        async throws
        -> PruneReport.DeletedBackup
    {
        try lock?.ensureHeld()
        let id = entry.id
        let marker = RepositoryInventory.deletionMarkerKey(id)
        let manifest = BackupLayout.manifest(id)
        if !entry.beingDeleted {
            let note: JSONValue = .object([
                "backup_id": .string(id), "started": .string(UTCCivilTime.iso8601(Date())),
                "reason": .string(reason),
            ])
            try await repository.put(key: marker, bytes: Array(note.description.utf8))
        }
        if abortUploads { try await repository.abortIncompleteUploads(prefix: BackupLayout.folder(id)) }
        let rest = entry.objects.map(\.key).filter { $0 != manifest && $0 != marker }
        // Snapshot objects first, then the small records (journal, verification), then the manifest.
        let ordered =
            rest.filter { $0.hasPrefix(BackupLayout.objectsFolder(id)) }
            + rest.filter { !$0.hasPrefix(BackupLayout.objectsFolder(id)) }
        try await repository.delete(keys: ordered)
        try await repository.delete(keys: [manifest])
        try await repository.delete(keys: [marker])
        return .init(
            id: id, objects: entry.objects.filter { $0.key != marker }.count, bytes: entry.bytes, resumed: resumed)
    }

    /// The ids of backups with unfinished uploads. The stores describe an upload by its key (local: relative to
    /// the repository; S3: with the bucket prefix, followed by the upload id), so the id is found after the last
    /// `backups/` that is followed by a valid id.
    public static func backupIDs(withUploadsIn repository: any Repository) async throws -> Set<String> {
        var ids: Set<String> = []
        for description in try await repository.incompleteUploads(prefix: BackupLayout.backupsFolder) {
            var search = description[...]
            while let range = search.range(of: BackupLayout.backupsFolder) {
                if let id = BackupLayout.backupID(inKey: String(description[range.lowerBound...])) { ids.insert(id) }
                search = search[range.upperBound...]
            }
        }
        return ids
    }
}
