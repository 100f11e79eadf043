import QSnapCore
import Synchronization

/// A running backup's journal (`progress.json`): the transfers change it concurrently and each change is saved
/// before the change is acknowledged; saves happen one at a time, in the order of the changes, so the stored
/// journal never goes back to an older state.
final class BackupJournal: Sendable {
    private let repository: any Repository
    private let state = Mutex(BackupProgress(id: "", fingerprint: "", startedAt: ""))
    private let saves = AsyncMutex()

    init(repository: any Repository) { self.repository = repository }

    /// The journal as last changed.
    var current: BackupProgress { state.withLock { $0 } }

    /// Sets the whole journal and saves it.
    func start(_ journal: BackupProgress) async throws {
        try await update { $0 = journal }
    }

    /// Applies `change` and saves the journal.
    func update(_ change: (inout BackupProgress) -> Void) async throws {
        try await saves.withLock {
            let changed = state.withLock { journal -> BackupProgress in
                change(&journal)
                return journal
            }
            try await repository.put(key: BackupLayout.progress(changed.id), bytes: ManifestStore.encode(changed))
        }
    }
}
