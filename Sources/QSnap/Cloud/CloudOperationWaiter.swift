import Foundation
import Logging
import QSnapCore

/// Polls a Qdrant Cloud backup or backup restore until it SUCCEEDS, fails (FAILED, SKIPPED, …) or the deadline
/// passes; a stop signal (SIGTERM, SIGINT) ends the wait at once.
public struct CloudOperationWaiter: Sendable {
    private let client: CloudAPIClient
    private let options: CloudWaitOptions
    private let logger: Logger

    /// Creates a waiter.
    public init(client: CloudAPIClient, options: CloudWaitOptions, logger: Logger) {
        self.client = client
        self.options = options
        self.logger = logger
    }

    /// Waits until backup `backupID` is SUCCEEDED and returns it.
    /// - Throws: `failure("cloud.backup-failed")` when it ends in another final status,
    ///   `failure("cloud.wait-timeout")` when it is still running at the deadline, or the API's error.
    public func backup(_ backupID: String) async throws -> CloudBackup {
        try await poll(what: "backup \(backupID)") {
            let backup = try await client.getBackup(backupID)
            switch backup.currentStatus.phase {
            case .succeeded: return (backup, backup.currentStatus.description)
            case .inProgress: return (nil, backup.currentStatus.description)
            case .failed:
                throw QSnapError(
                    .cloudBackupFailed,
                    "backup \(backupID) (\(backup.label)) of cluster \(backup.clusterID ?? "?") ended "
                        + "\(backup.currentStatus)\(Self.reason(backup.currentStatus)): Qdrant Cloud has no usable copy "
                        + "from it; see the cluster's backups in the Cloud console, then try again")
            }
        } timeout: { status in
            QSnapError(
                .cloudWaitTimeout,
                "backup \(backupID) is still \(status) after \(CloudDuration.format(seconds: options.timeout)) "
                    + "(--timeout); it goes on in Qdrant Cloud: follow it with qsnap cloud backup get \(backupID) "
                    + "--account-id \(client.accountID)")
        }
    }

    /// Waits until the restore of `backupID` into `clusterID` started after the call (one whose id is not in
    /// `earlier`) is SUCCEEDED, and returns it.
    /// - Throws: `failure("cloud.restore-failed")` when it ends in another final status,
    ///   `failure("cloud.wait-timeout")` at the deadline, or the API's error.
    public func restore(of backupID: String, clusterID: String, earlier: Set<String>) async throws -> CloudBackupRestore
    {
        try await poll(what: "the restore of backup \(backupID)") {
            let restores = try await client.listBackupRestores(clusterID: clusterID)
            guard
                let restore = restores.filter({ $0.backupID == backupID && !earlier.contains($0.id ?? "") })
                    .max(by: { ($0.createdDate ?? .distantPast) < ($1.createdDate ?? .distantPast) })
            else { return (nil, "not listed yet") }
            switch restore.currentStatus.phase {
            case .succeeded: return (restore, restore.currentStatus.description)
            case .inProgress: return (nil, restore.currentStatus.description)
            case .failed:
                throw QSnapError(
                    .cloudRestoreFailed,
                    "the restore \(restore.id ?? "?") of backup \(backupID) into cluster \(clusterID) ended "
                        + "\(restore.currentStatus): check the cluster in the Qdrant Cloud console before using it")
            }
        } timeout: { status in
            QSnapError(
                .cloudWaitTimeout,
                "the restore of backup \(backupID) into cluster \(clusterID) is still \(status) after "
                    + "\(CloudDuration.format(seconds: options.timeout)) (--timeout); it goes on in Qdrant Cloud: "
                    + "follow it in the Cloud console (the cluster's Backups page) before using the cluster")
        }
    }

    /// Calls `check` every poll interval until it returns a value or throws; `timeout` makes the error for the
    /// last status seen once the deadline passes.
    private func poll<T>(
        what: String, _ check: () async throws -> (T?, String), timeout: (String) -> QSnapError
    ) async throws -> T {
        let deadline = Date().addingTimeInterval(options.timeout)
        var last = ""
        while true {
            try ProcessStop.check()
            let (value, status) = try await check()
            if let value { return value }
            if status != last { logger.notice("\(what): \(status)") }
            last = status
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0 else { throw timeout(status) }
            try await Self.sleep(min(options.pollInterval, remaining))
        }
    }

    /// Sleeps `seconds` in short steps, throwing as soon as a stop is asked for.
    static func sleep(_ seconds: Double) async throws {
        let until = Date().addingTimeInterval(seconds)
        while true {
            try ProcessStop.check()
            let left = until.timeIntervalSinceNow
            if left <= 0 { return }
            try await Task.sleep(for: .seconds(min(left, 0.25)))
        }
    }

    /// Why a backup ends in `status`, in a few words.
    static func reason(_ status: CloudBackupStatus) -> String {
        switch status {
        case .skipped: return " (skipped: the cluster has no suitable backup target)"
        case .failedToSync: return " (syncing it in the cluster's region failed)"
        case .notFound: return " (expected but not found in the cluster's region)"
        default: return ""
        }
    }
}
