import Foundation
import QSnapCore

/// Changes a backup's tags or pin (`qsnap tag`, `untag`, `pin`, `unpin`): reads its manifest, applies the edit and
/// writes the manifest back with the repository's atomic put (local: temporary file, `fsync`, rename; S3: one
/// PutObject), so a reader sees the old or the new manifest, never a mix. The caller holds the repository lock, so
/// the edit does not race a prune or a forget deleting the backup.
public struct BackupLabeler {
    /// What an edit did.
    public struct Result: Sendable, Codable, Equatable {
        /// The backup id.
        public var id: String
        /// The edit (`tag`, `untag`, `pin`, `unpin`).
        public var action: String
        /// The tags after the edit.
        public var tags: [String]
        /// Whether the backup is pinned after the edit.
        public var pinned: Bool
        /// False when the manifest already had these labels (nothing was written).
        public var changed: Bool
    }

    private let repository: any Repository
    private let lock: HeldRepositoryLock?

    /// Creates a labeler; `lock` (when given) is checked just before the manifest is written.
    public init(repository: any Repository, lock: HeldRepositoryLock?) {
        self.repository = repository
        self.lock = lock
    }

    /// Applies `edit` to backup `idOrLatest` (`latest`: the newest complete backup).
    /// - Throws: `usage("backup.tag")` for an invalid tag, `usage("backup.not-found")`/`usage("backup.id")` for an
    ///   unknown backup, `verificationFailed("backup.manifest")` for an unreadable manifest.
    public func apply(_ edit: BackupLabelEdit, to idOrLatest: String) async throws -> Result {
        switch edit {
        case .tag(let tags), .untag(let tags):
            for tag in tags { try BackupLabels.validate(tag: tag) }
        case .pin, .unpin: break
        }
        let id = try await ManifestStore.resolve(idOrLatest, in: repository)
        var manifest = try await ManifestStore.read(id, from: repository)
        let before = manifest.labels
        let after = before.applying(edit)
        let changed = after != before
        // Older manifests gain both fields on their first edit, so that show and list need not guess.
        if changed || manifest.tags == nil || manifest.pinned == nil {
            manifest.labels = after
            try lock?.ensureHeld()
            try await ManifestStore.write(manifest, to: repository)
        }
        return Result(id: id, action: edit.name, tags: after.tags, pinned: after.pinned, changed: changed)
    }
}
