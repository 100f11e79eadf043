import ArgumentParser
import Foundation
import HTTP
import QSnap
import QSnapCore

/// `qsnap verify ID`: re-read every object and check it.
struct VerifyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Re-read every object of a backup: size, SHA-256, and a full archive inspection.",
        discussion: """
            Exit code 4 when any object is missing, differs from the manifest or is not a sound snapshot.
            Objects the store copied server-side have no SHA-256 in their manifest (Qdrant reports none for
            snapshots it keeps on S3): a verification that passes records the SHA-256 it computed, taking the
            repository lock for that write.
            """)

    @OptionGroup var globals: GlobalOptions

    @Argument(help: "The backup id, or 'latest'.")
    var id: String

    @Option(
        help: "The repository: a directory, file:///path, or s3://bucket/prefix.",
        transform: RepositoryLocation.init(parsing:))
    var repo: RepositoryLocation

    @OptionGroup var s3: RepositoryOptions

    @OptionGroup var lock: LockOptions

    func run() async throws {
        try await CommandRunner.run(globals) { logger in
            let repository = try await s3.open(repo, logger: logger)
            let resolved = try await ManifestStore.resolve(id, in: repository)
            let verifier = BackupVerifier(repository: repository, logger: logger)
            let display = globals.progressDisplay(verifier.progress, logger: logger)
            display.start()
            var outcome: BackupVerifier.Outcome
            do {
                defer { display.stop() }
                outcome = try await verifier.verify(resolved)
            }
            if outcome.ok, !outcome.unrecorded.isEmpty {
                outcome = try await RepositoryLocker.withCommandLock(
                    repository, purpose: "verify", wait: lock.waitLock, settleDelay: lock.lockSettle, logger: logger
                ) { held in
                    try await verifier.recordChecksums(of: outcome, lock: held)
                }
            }
            if globals.json {
                try JSONOutput.print(outcome)
            } else {
                for o in outcome.objects {
                    print("\(o.ok ? "ok  " : "FAIL") \(o.key)" + (o.problem.map { ": \($0)" } ?? ""))
                }
                print(
                    "backup \(outcome.id): "
                        + (outcome.ok
                            ? "verified, \(outcome.objects.count) object(s), \(ByteCount.format(outcome.bytes))"
                            : "VERIFICATION FAILED")
                        + (outcome.recorded > 0
                            ? "; recorded the SHA-256 of \(outcome.recorded) server-side copied object(s)" : ""))
            }
            if !outcome.ok {
                let bad = outcome.objects.filter { !$0.ok }
                let first = bad.first.map { " — first: \($0.code.map { "[\($0)] " } ?? "")\($0.problem ?? "")" } ?? ""
                throw QSnapError(
                    .verifyFailed,
                    "backup \(outcome.id) failed verification: \(bad.count) bad object(s)\(first)")
            }
        }
    }
}
