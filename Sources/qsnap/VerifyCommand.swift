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
        discussion: "Exit code 4 when any object is missing, differs from the manifest or is not a sound snapshot.")

    @OptionGroup var globals: GlobalOptions

    @Argument(help: "The backup id, or 'latest'.")
    var id: String

    @Option(help: "The repository: a directory, file:///path, or s3://bucket/prefix.")
    var repo: String

    @OptionGroup var s3: RepoS3Options

    func run() async throws {
        try await CommandRunner.run(globals) { logger in
            let (repo, s3, id) = (self.repo, self.s3, self.id)
            let outcome: BackupVerifier.Outcome = try await Blocking.run {
                let repository = try RepositoryOpener.open(repo, s3: s3, logger: logger)
                let resolved = try ManifestStore.resolve(id, in: repository)
                return try BackupVerifier(repository: repository, logger: logger).verify(resolved)
            }
            if globals.json {
                try JSONOutput.print(outcome)
            } else {
                for o in outcome.objects { print("\(o.ok ? "ok  " : "FAIL") \(o.key)" + (o.problem.map { ": \($0)" } ?? "")) }
                print("backup \(outcome.id): " + (outcome.ok ? "verified, \(outcome.objects.count) object(s), \(ByteCount.format(outcome.bytes))" : "VERIFICATION FAILED"))
            }
            if !outcome.ok {
                let bad = outcome.objects.filter { !$0.ok }
                let first = bad.first.map { " — first: \($0.code.map { "[\($0)] " } ?? "")\($0.problem ?? "")" } ?? ""
                throw QSnapError(.verificationFailed("verify.failed"), "backup \(outcome.id) failed verification: \(bad.count) bad object(s)\(first)")
            }
        }
    }
}
