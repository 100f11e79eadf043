import Foundation
import Logging
import QSnapCore
import Qdrant

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Keeps two restores of the same collection apart on one target: before it changes anything, a restore creates
/// the tiny collection `qsnap-restore-lock-<base>` — creating a collection is atomic in Qdrant, in a cluster too —
/// with its holder (host, pid, backup, start) in the collection metadata (Qdrant ≥ 1.16), and deletes it when done,
/// after a failure too. A second restore of the same base is refused with exit 5, naming the holder.
///
/// The holder also lists the staging collections it is about to create: a restore killed between Qdrant creating a
/// staging collection and qsnap marking it leaves an unmarked collection, which the lock alone proves to be qsnap's.
/// A lock left by a killed restore is taken over when its holder ran on this host and that process is gone (its
/// staging collections then count as leftovers); otherwise the refusal says how to remove it by hand.
struct RestoreLock {
    /// The lock collection of `base`.
    static func name(base: String) -> String { "qsnap-restore-lock-" + base }

    let client: QdrantClient
    let base: String
    let hasMetadata: Bool
    let logger: Logger

    /// The holder recorded in a lock's metadata.
    struct Holder: Equatable {
        var host: String
        var pid: Int32
        var backup: String
        var started: String
        /// The staging collections the holder creates.
        var staging: [String] = []

        var metadata: JSONValue {
            .object([
                "qsnap_restore_lock": .object([
                    "host": .string(host), "pid": .integer(Int64(pid)), "backup": .string(backup),
                    "started": .string(started),
                    "staging": .array(staging.map(JSONValue.string)),
                ])
            ])
        }

        init(host: String, pid: Int32, backup: String, started: String, staging: [String] = []) {
            self.host = host
            self.pid = pid
            self.backup = backup
            self.started = started
            self.staging = staging
        }

        init?(metadata: JSONValue?) {
            guard let m = metadata?["qsnap_restore_lock"], let host = m["host"]?.stringValue,
                let pid = m["pid"]?.intValue.flatMap({ Int32(exactly: $0) })
            else { return nil }
            self.init(
                host: host, pid: pid, backup: m["backup"]?.stringValue ?? "?",
                started: m["started"]?.stringValue ?? "?",
                staging: (m["staging"]?.arrayValue ?? []).compactMap(\.stringValue))
        }

        /// True when the holder ran on this host and its process no longer exists.
        var isGoneFromThisHost: Bool {
            host == ProcessInfo.processInfo.hostName && kill(pid, 0) != 0 && errno == ESRCH
        }
    }

    /// Creates the lock collection for restoring `backupID`.
    /// - Returns: the staging collections of a gone holder whose lock was taken over (leftovers to remove).
    /// - Throws: `busy("restore.locked")` (exit 5) when another restore of the same base holds it.
    @discardableResult
    func acquire(backupID: String, staging: [String]) async throws -> [String] {
        let holder = Holder(
            host: ProcessInfo.processInfo.hostName, pid: getpid(), backup: backupID,
            started: ISO8601DateFormatter().string(from: Date()), staging: staging)
        var body: [String: JSONValue] = [
            "vectors": .object(["size": .integer(1), "distance": .string("Dot")]),
            "shard_number": .integer(1), "replication_factor": .integer(1),
        ]
        if hasMetadata { body["metadata"] = holder.metadata }
        let lock = Self.name(base: base)
        var inherited: [String] = []
        var tookOver = false
        for _ in 0..<5 {
            do {
                try await client.createCollection(lock, config: .object(body))
                logger.info("holding the restore lock \(lock)")
                return inherited
            } catch let error as QdrantError {
                guard try await client.collectionExists(lock) else { throw error }
                let current: Holder?
                do {
                    current =
                        await hasMetadata ? Holder(metadata: try client.collectionInfo(lock).config["metadata"]) : nil
                } catch let gone as QdrantError where gone.qdrantFailure?.status == 404 {
                    continue  // released between our create and our look: try again
                }
                // Our own create went through although its answer was lost (a dropped connection): the lock is ours.
                if let current, current == holder { return inherited }
                if !tookOver, let current, current.isGoneFromThisHost {
                    logger.notice("taking over \(lock): its holder (pid \(current.pid) on this host) is gone")
                    try await client.deleteCollection(lock)
                    inherited = current.staging
                    tookOver = true
                    continue
                }
                let who =
                    current.map { "restoring backup \($0.backup) since \($0.started) (host \($0.host), pid \($0.pid))" }
                    ?? "(no holder recorded)"
                throw QSnapError(
                    .restoreLocked,
                    "another restore of \(base) is running on this target \(who). Wait for it to finish; if it was "
                        + "killed on another host, delete the collection \(lock) by hand and restore again")
            }
        }
        throw QSnapError(
            .restoreLocked,
            "the restore lock \(lock) kept changing hands: another restore of \(base) is starting; try again")
    }

    /// The holder of a lock left by a restore that is gone (it ran on this host and its process no longer exists),
    /// or `nil` when there is no such lock.
    static func orphan(base: String, client: QdrantClient) async throws -> Holder? {
        let lock = name(base: base)
        guard try await client.collectionExists(lock),
            let holder = await Holder(metadata: try client.collectionInfo(lock).config["metadata"]),
            holder.isGoneFromThisHost
        else { return nil }
        return holder
    }

    /// Deletes the lock collection (best effort: a failure is logged, and the next restore takes the lock over on
    /// this host or names it for removal by hand).
    func release() async {
        let lock = Self.name(base: base)
        do { try await client.deleteCollection(lock) } catch {
            logger.warning("could not remove the restore lock \(lock): \(error)")
        }
    }
}
