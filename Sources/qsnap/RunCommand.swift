import ArgumentParser
import Foundation
import HTTP
import QSnap
import QSnapCore
import Qdrant

/// `qsnap run JOB.yaml`: backup → verify → prune under the repository lock, with Prometheus metrics.
struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a job file: backup, verify and prune under the repository lock (for cron and Kubernetes).",
        discussion: """
            Reads the job file (see policies/jobs/example-job.yaml and policies/README.md), takes the repository
            lock (locks/repository.json: owner host, pid and run id, expiry; renewed every half TTL; a lock
            expired for longer than lock.grace is broken), backs up the source, verifies the new backup, prunes
            with the job's retention policy, releases the lock and writes the Prometheus textfile (last success
            time, duration, bytes, objects, failures) atomically.

            Exit codes: 0 ok, 1 failure, 2 bad job file, 4 verification failed, 5 the repository is locked by
            another run (after waiting lock.wait or --wait-lock).

            Examples:
              qsnap run /etc/qsnap/prod-nightly.yaml
              qsnap run job.yaml --wait-lock 600 --json
            """)

    @OptionGroup var connectionOptions: QdrantConnectionOptions

    @OptionGroup var globals: GlobalOptions

    @Argument(help: "The job file (YAML).")
    var job: String

    @OptionGroup var lock: LockOptions

    @Option(help: "Hours a backup without manifest must age before the prune removes it.")
    var interruptedGraceHours: Double = 24

    @OptionGroup var s3: RepositoryOptions

    func validate() throws {
        guard interruptedGraceHours >= 0 else { throw ValidationError("--interrupted-grace-hours must be ≥ 0") }
    }

    func run() async throws {
        try await CommandRunner.run(globals) { logger in
            guard let data = FileManager.default.contents(atPath: job) else {
                throw QSnapError(.jobFile, "the job file \(job) cannot be read; give an existing YAML file")
            }
            let spec = try JobSpec.parse(yaml: String(decoding: data, as: UTF8.self), file: job)
            let key = try spec.apiKey(environment: ProcessInfo.processInfo.environment)
            let connection = try connectionOptions.connection(
                apiKey: key, keyEnv: spec.source.apiKeyEnv ?? "QDRANT_API_KEY")
            _ = try JobRunner.retentionPolicy(of: spec)  // a bad policy file is a usage error before any lock
            let options = JobRunner.Options(
                lockWait: lock.requestedWaitLock ?? spec.lockWait, lockSettleDelay: lock.lockSettle,
                interruptedGrace: interruptedGraceHours * 3600)
            let s3 = self.s3
            let repository = try await s3.open(spec.repository, logger: logger)
            let outcome: JobRunOutcome = await JobRunner(
                spec: spec, repository: repository, connection: connection, options: options, logger: logger
            ).run()
            if globals.json {
                try JSONOutput.print(outcome.report)
            } else if !globals.quiet, outcome.error == nil {
                let r = outcome.report
                var line = "job \(r.job): ok in \(String(format: "%.1f", r.finished - r.started)) s"
                if let b = r.backup {
                    line += "; backup \(b.id) (\(b.objects) object(s), \(ByteCount.format(b.bytes)))"
                }
                if r.verified == true { line += ", verified" }
                if let p = r.prune { line += "; pruned \(p.deleted.count) backup(s)" }
                print(line)
            }
            if let error = outcome.error {
                // The report is already on stdout with --json; print only the message and exit.
                FileHandle.standardError.write(Data("qsnap: error: \(error.description)\n".utf8))
                throw ExitCode(ProcessStop.exitStatus ?? error.code.category.exitStatus)
            }
        }
    }
}
