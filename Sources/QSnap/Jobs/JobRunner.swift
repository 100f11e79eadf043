import Foundation
import Logging
import QSnapCore
import Qdrant

/// Runs one job (`qsnap run JOB.yaml`): takes the repository lock, backs up, verifies the new backup, prunes with
/// the job's retention policy, releases the lock and records the outcome in the Prometheus textfile.
///
/// The lock is held (and renewed in the background) from before the backup until after the prune; each step
/// checks that it still holds it, so two runs on one repository never interleave. Any failure — the lock busy
/// included — ends the run with that error after the lock is released and the failure recorded in the metrics.
public struct JobRunner {
    /// How the run treats the lock.
    public struct Options: Sendable {
        /// Seconds to wait for another run's lock (the job's `lock.wait` unless overridden).
        public var lockWait: TimeInterval
        /// Seconds between writing the lock and reading it back on stores without conditional writes.
        public var lockSettleDelay: TimeInterval
        /// Seconds between attempts while waiting for the lock.
        public var lockPollInterval: TimeInterval
        /// Seconds a backup folder without manifest must age before the prune removes it.
        public var interruptedGrace: TimeInterval

        /// Creates options.
        public init(
            lockWait: TimeInterval, lockSettleDelay: TimeInterval = 2, lockPollInterval: TimeInterval = 1,
            interruptedGrace: TimeInterval = 24 * 3600
        ) {
            self.lockWait = lockWait
            self.lockSettleDelay = lockSettleDelay
            self.lockPollInterval = lockPollInterval
            self.interruptedGrace = interruptedGrace
        }
    }

    private let spec: JobSpec
    private let repository: any Repository
    private let connection: QdrantConnection
    private let options: Options
    private let logger: Logger

    /// Creates a runner for `spec` over an opened repository.
    public init(
        spec: JobSpec, repository: any Repository, connection: QdrantConnection, options: Options, logger: Logger
    ) {
        self.spec = spec
        self.repository = repository
        self.connection = connection
        self.options = options
        self.logger = logger
    }

    /// The job's retention policy, reading a policy file relative to the job file; `nil` when the job never prunes.
    public static func retentionPolicy(of spec: JobSpec) throws -> RetentionPolicy? {
        switch spec.retention {
        case nil: return nil
        case .inline(let policy): return policy
        case .file(let path):
            let resolved = spec.resolvedPath(path)
            guard let data = FileManager.default.contents(atPath: resolved) else {
                throw QSnapError(
                    .jobRetentionFile,
                    "\(spec.file): the retention policy file \(resolved) cannot be read; check retention.file")
            }
            return try RetentionPolicy.parse(yaml: String(decoding: data, as: UTF8.self), file: resolved)
        }
    }

    /// Runs the job. Never throws: the report carries the error, and
    /// ``JobRunOutcome/error`` the `QSnapError` to exit with.
    public func run() async -> JobRunOutcome {
        let started = Date()
        let owner = RepositoryLocker.currentOwner()
        var report = JobRunReport(
            job: spec.name, repository: repository.displayURL, runID: owner.runID, success: false, error: nil,
            started: started.timeIntervalSince1970, finished: 0, metricsTextfile: spec.metricsTextfile)
        var failure: QSnapError?
        var held: HeldRepositoryLock?
        do {
            let policy = try Self.retentionPolicy(of: spec)
            let locker = await RepositoryLocker(
                store: try RepositoryLocker.store(for: repository, settleDelay: options.lockSettleDelay),
                policy: spec.lockPolicy, owner: owner, purpose: "run \(spec.name)",
                pollInterval: options.lockPollInterval, logger: logger)
            let lock = try await locker.acquire(wait: options.lockWait)
            held = lock
            report.lockAcquired = Date().timeIntervalSince1970
            lock.startRenewing()

            logger.notice(
                "job \(spec.name): backup of \(spec.source.urls.joined(separator: ",")) into \(repository.displayURL)")
            let source = try await DiscoveredSource.discover(
                urls: spec.source.urls, connection: connection,
                collections: spec.selection.collections.isEmpty ? nil : spec.selection.collections, logger: logger)
            var backupOptions = BackupOptions(
                kind: BackupKind(rawValue: spec.selection.kind.rawValue) ?? .collection,
                collections: spec.selection.collections.isEmpty ? nil : spec.selection.collections)
            backupOptions.nodeSnapshotStore = spec.source.snapshotStore
            // The job already holds the lock: the backup runs under it (it does not take it again).
            let backup = try await BackupRunner(
                repository: repository, source: source, options: backupOptions, lock: lock, logger: logger
            ).run()
            report.backup = backup
            try lock.ensureHeld()

            if spec.verify {
                logger.notice("job \(spec.name): verifying backup \(backup.id)")
                let verifier = BackupVerifier(repository: repository, logger: logger)
                // Server-side copies get the SHA-256 this verification computed recorded in their manifest.
                let outcome = try await verifier.recordChecksums(of: try verifier.verify(backup.id), lock: lock)
                report.verified = outcome.ok
                guard outcome.ok else {
                    throw QSnapError(
                        .verifyFailed,
                        "backup \(backup.id) failed verification: \(outcome.objects.filter { !$0.ok }.count) bad object(s); it is kept but not counted as verified"
                    )
                }
                try lock.ensureHeld()
            }

            if let policy {
                logger.notice("job \(spec.name): pruning with the retention policy")
                report.prune = try await PruneRunner(
                    repository: repository,
                    options: .init(policy: policy, execute: true, interruptedGrace: options.interruptedGrace),
                    lock: lock, logger: logger
                ).run()
            }
            try lock.ensureHeld()
            report.success = true
        } catch {
            failure = QSnapError(mapping: error, else: .runInternal) { "unexpected error: \($0)" }
        }
        if let held {
            await held.release()
            report.lockReleased = Date().timeIntervalSince1970
        }
        let finished = Date()
        report.finished = finished.timeIntervalSince1970
        report.error = failure.map {
            Redactor(secrets: connection.credential.map { [$0.secret] } ?? []).redact($0.message)
        }

        if let path = spec.metricsTextfile {
            let target = spec.resolvedPath(path)
            let outcome = JobMetrics.RunOutcome(
                success: failure == nil, finished: finished, durationSeconds: finished.timeIntervalSince(started),
                bytes: report.backup?.bytes ?? 0, objects: Int64(report.backup?.objects ?? 0))
            do {
                try MetricsTextfileWriter.record(outcome, job: spec.name, path: target, logger: logger)
                report.metricsTextfile = target
            } catch let error as QSnapError {
                logger.error("\(error.message)")
                if failure == nil { failure = error; report.success = false; report.error = error.message }
            } catch {
                logger.error("writing the metrics failed: \(error)")
            }
        }
        return JobRunOutcome(report: report, error: failure)
    }
}
