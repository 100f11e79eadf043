import Foundation
import HTTP
import QSnap
import QSnapCore

/// What `qsnap tag`, `untag`, `pin` and `unpin` share: open the repository, take its lock, apply the edit to the
/// manifest, print the result.
enum LabelEditing {
    static func run(
        _ edit: BackupLabelEdit, id: String, repo: RepositoryLocation, s3: RepositoryOptions, lock: LockOptions,
        globals: GlobalOptions
    ) async throws {
        try await CommandRunner.run(globals) { logger in
            let repository = try await s3.open(repo, logger: logger)
            let result = try await RepositoryLocker.withCommandLock(
                repository, purpose: edit.name, wait: lock.waitLock, settleDelay: lock.lockSettle, logger: logger
            ) { held in
                try await BackupLabeler(repository: repository, lock: held).apply(edit, to: id)
            }
            if globals.json {
                try JSONOutput.print(result)
            } else if !globals.quiet {
                let tags = result.tags.isEmpty ? "no tags" : "tags " + result.tags.joined(separator: ", ")
                print(
                    "backup \(result.id): \(tags), \(result.pinned ? "pinned" : "not pinned")"
                        + (result.changed ? "" : " (unchanged)"))
            }
        }
    }
}
