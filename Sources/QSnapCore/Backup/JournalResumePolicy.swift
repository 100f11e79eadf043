/// Decides whether a backup run may resume an interrupted backup's journal (`progress.json`). Pure.
///
/// A journal is resumed only when its writer is gone. The resuming run holds the repository lock, so a writer
/// that took the lock too has finished or died; what is left to rule out is a writer that is still alive:
/// - a journal written by the run that holds the repository lock now (another run — it cannot be this one,
///   since every run writes a fresh journal or adopts a dead one) is still being written;
/// - a writer on this host whose process still exists is still running (e.g. a qsnap that took no lock, or one
///   that lost its lock and has not noticed yet).
/// A journal without a recorded writer (older versions) is resumed as before.
public enum JournalResumePolicy {
    /// The outcome.
    public enum Decision: Sendable, Equatable {
        /// Resume the journal.
        case resume
        /// Leave it alone: its writer may still be running (the reason, for the log).
        case skip(String)
    }

    /// Decides for one journal.
    /// - Parameters:
    ///   - journal: the interrupted backup's journal.
    ///   - me: this run's identity.
    ///   - lockHolder: the owner of the repository lock as this run last saw it (this run itself when it holds it).
    ///   - writerAlive: whether the writer's process exists, when knowable (writer on this host), else `nil`.
    public static func decide(
        journal: BackupProgress, me: RepositoryLock.Owner, lockHolder: RepositoryLock.Owner?,
        writerAlive: Bool?
    ) -> Decision {
        guard let writer = journal.writer else { return .resume }
        if writer.runID == me.runID { return .resume }
        if let lockHolder, lockHolder.runID == writer.runID {
            return .skip(
                "its writer (host \(writer.host) pid \(writer.pid) run \(writer.runID)) holds the repository lock")
        }
        if writer.host == me.host, writer.pid != me.pid, writerAlive == true {
            return .skip("its writer (pid \(writer.pid) on this host) is still running")
        }
        return .resume
    }
}
