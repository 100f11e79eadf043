import Foundation
import Testing

@testable import QSnapCore

@Suite struct JournalResumePolicyTests {
    static let me = RepositoryLock.Owner(host: "h1", pid: 100, runID: "me")

    static func journal(writer: RepositoryLock.Owner?) -> BackupProgress {
        BackupProgress(id: "20261118T101320Z-abcdef", fingerprint: "f", startedAt: "t", writer: writer)
    }

    @Test func resumesJournalsWithoutWriterOrOfThisRun() {
        #expect(
            JournalResumePolicy.decide(
                journal: Self.journal(writer: nil), me: Self.me, lockHolder: Self.me,
                writerAlive: nil) == .resume)
        #expect(
            JournalResumePolicy.decide(
                journal: Self.journal(writer: Self.me), me: Self.me, lockHolder: Self.me,
                writerAlive: true) == .resume)
    }

    @Test func skipsAJournalWhoseWriterHoldsTheLock() {
        let other = RepositoryLock.Owner(host: "h2", pid: 7, runID: "other")
        let d = JournalResumePolicy.decide(
            journal: Self.journal(writer: other), me: Self.me, lockHolder: other,
            writerAlive: nil)
        guard case .skip(let reason) = d else { Issue.record("expected skip"); return }
        #expect(reason.contains("holds the repository lock") && reason.contains("other"))
    }

    @Test func skipsALiveWriterOnThisHostAndResumesADeadOne() {
        let sibling = RepositoryLock.Owner(host: "h1", pid: 200, runID: "sibling")
        #expect(
            JournalResumePolicy.decide(
                journal: Self.journal(writer: sibling), me: Self.me, lockHolder: Self.me,
                writerAlive: true) != .resume)
        #expect(
            JournalResumePolicy.decide(
                journal: Self.journal(writer: sibling), me: Self.me, lockHolder: Self.me,
                writerAlive: false) == .resume)
        // Another host: liveness is unknown; the lock (held by this run) is what says the writer is gone.
        let remote = RepositoryLock.Owner(host: "h2", pid: 200, runID: "remote")
        #expect(
            JournalResumePolicy.decide(
                journal: Self.journal(writer: remote), me: Self.me, lockHolder: Self.me,
                writerAlive: nil) == .resume)
    }

    @Test func journalWriterRoundTripsAndOldJournalsDecode() throws {
        let j = Self.journal(writer: Self.me)
        let data = try JSONEncoder().encode(j)
        #expect(try JSONDecoder().decode(BackupProgress.self, from: data) == j)
        let old = #"{"id":"x","fingerprint":"f","startedAt":"t","finished":[]}"#
        #expect(try JSONDecoder().decode(BackupProgress.self, from: Data(old.utf8)).writer == nil)
    }
}
