import Foundation
import QSnapCore

/// Keeps one migration's ``MigrationJournal`` in a file of the state directory, named after the source and target,
/// replaced atomically after every batch.
struct MigrationJournalStore: Sendable {
    let path: String

    /// The journal file of migrating `source` (URL and collection) into `target` (URL and collection).
    init(directory: String, sourceURL: String, collection: String, targetURL: String, target: String) {
        let key = Digest.sha256Hex("\(sourceURL)\n\(collection)\n\(targetURL)\n\(target)").prefix(24)
        path = (directory as NSString).appendingPathComponent("migrate-\(key).json")
    }

    /// The journal, or `nil` when there is none.
    func load() throws -> MigrationJournal? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        do {
            return try JSONDecoder().decode(MigrationJournal.self, from: data)
        } catch {
            throw QSnapError(
                .migrateJournal,
                "the migration journal \(path) is unreadable (\(error)); remove it and rerun with --no-resume")
        }
    }

    func save(_ journal: MigrationJournal) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted]
        if let problem = POSIXFile.replace(try encoder.encode(journal), at: path) {
            throw QSnapError(.migrateJournal, "migration journal: \(problem)")
        }
    }

    func remove() {
        unlink(path)
    }
}
