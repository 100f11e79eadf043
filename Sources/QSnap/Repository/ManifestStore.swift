import Foundation
import QSnapCore

/// Reads and writes manifests and journals in a repository.
public enum ManifestStore {
    static func encode<T: Encodable>(_ value: T) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return Array(try encoder.encode(value))
    }

    /// Writes a manifest atomically (the last write of a backup).
    public static func write(_ manifest: BackupManifest, to repository: any Repository) async throws {
        try await repository.put(key: BackupLayout.manifest(manifest.id), bytes: encode(manifest))
    }

    /// Reads the manifest of a backup.
    /// - Throws: `usage("backup.not-found")` when the backup has no manifest.
    public static func read(_ id: String, from repository: any Repository) async throws -> BackupManifest {
        guard BackupLayout.isValidID(id) else {
            throw QSnapError(
                .backupId,
                "\(id.prefix(80)) is not a backup id (they look like 20261121T103000Z-1a2b3c); see qsnap list")
        }
        guard try await repository.head(key: BackupLayout.folder(id) + "deleting.json") == nil else {
            throw QSnapError(
                .backupBeingDeleted,
                "backup \(id) is being deleted by a prune (backups/\(id)/deleting.json); run qsnap prune --yes again to finish"
            )
        }
        guard try await repository.head(key: BackupLayout.manifest(id)) != nil else {
            throw QSnapError(
                .backupNotFound,
                "backup \(id) does not exist in \(repository.displayURL) (no manifest); see qsnap list")
        }
        let bytes = try await repository.getAll(key: BackupLayout.manifest(id))
        do {
            return try JSONDecoder().decode(BackupManifest.self, from: Data(bytes))
        } catch {
            throw QSnapError(
                .backupManifest, "the manifest of backup \(id) is unreadable: \(error)")
        }
    }

    /// The tags and pin of one manifest, read leniently (only those two fields; absent ones default).
    /// - Throws: `verificationFailed("backup.manifest")` when the manifest is not JSON with such fields: a prune
    ///   cannot know whether it is pinned, so it must not plan around it.
    public static func labels(_ id: String, from repository: any Repository) async throws -> BackupLabels {
        let bytes = try await repository.getAll(key: BackupLayout.manifest(id))
        do {
            return try JSONDecoder().decode(BackupLabels.self, from: Data(bytes))
        } catch {
            throw QSnapError(
                .backupManifest,
                "the manifest of backup \(id) is unreadable, so whether it is pinned or tagged is unknown: \(error); nothing was deleted. Delete it on purpose with qsnap forget \(id) --force --yes"
            )
        }
    }

    /// The labels of every complete backup of `inventory`, by id.
    public static func labels(of inventory: RepositoryInventory, in repository: any Repository) async throws
        -> [String: BackupLabels]
    {
        try await protections(of: inventory, in: repository).labels
    }

    /// The labels and Object Lock retention of one backup, from one read of its manifest.
    public static func protection(_ id: String, from repository: any Repository) async throws
        -> (labels: BackupLabels, lock: BackupObjectLock)
    {
        let bytes = try await repository.getAll(key: BackupLayout.manifest(id))
        do {
            return (
                try JSONDecoder().decode(BackupLabels.self, from: Data(bytes)),
                try JSONDecoder().decode(BackupObjectLock.self, from: Data(bytes))
            )
        } catch {
            throw QSnapError(
                .backupManifest,
                "the manifest of backup \(id) is unreadable, so whether it is pinned, tagged or locked is unknown: \(error); nothing was deleted. Delete it on purpose with qsnap forget \(id) --force --yes"
            )
        }
    }

    /// The labels and Object Lock retention of every complete backup of `inventory`, by id (one read each).
    public static func protections(of inventory: RepositoryInventory, in repository: any Repository) async throws
        -> (labels: [String: BackupLabels], locks: [String: BackupObjectLock])
    {
        var labels: [String: BackupLabels] = [:]
        var locks: [String: BackupObjectLock] = [:]
        for entry in inventory.completeEntries {
            let p = try await protection(entry.id, from: repository)
            labels[entry.id] = p.labels
            locks[entry.id] = p.lock
        }
        return (labels, locks)
    }

    /// Ids of every complete backup (those with a manifest), oldest first. A backup a prune has started to delete
    /// (`backups/<id>/deleting.json`) is no longer one, even while its manifest still exists.
    public static func backupIDs(in repository: any Repository) async throws -> [String] {
        let keys = try await repository.list(prefix: BackupLayout.backupsFolder).map(\.key)
        let deleting = Set(keys.filter { $0.hasSuffix("/deleting.json") }.compactMap(BackupLayout.backupID(inKey:)))
        return keys.filter { $0.hasSuffix("/manifest.json") }
            .compactMap(BackupLayout.backupID(inKey:))
            .filter { !deleting.contains($0) }
            .sorted()
    }

    /// Resolves `latest` or an id to an id.
    public static func resolve(_ idOrLatest: String, in repository: any Repository) async throws -> String {
        guard idOrLatest == "latest" else { return idOrLatest }
        guard let last = try await backupIDs(in: repository).last else {
            throw QSnapError(.backupNone, "\(repository.displayURL) holds no backup yet")
        }
        return last
    }
}
