import Foundation
import HTTP
import Logging
import QSnapCore
import Qdrant
import S3

/// Takes one snapshot on a node and streams it into the repository: create (wait=false and poll), download with
/// SHA-256 in the same pass straight into the repository writer (no local file), check size and Qdrant's checksum,
/// make the object visible, delete the server-side snapshot.
struct SnapshotTransfer {
    let item: BackupPlanner.Item
    let client: QdrantClient
    let repository: any Repository
    let backupID: String
    let options: BackupOptions
    let progress: TransferProgress
    let logger: Logger

    var scope: SnapshotScope {
        switch item.unit {
        case .collection(let name, _): return .collection(name)
        case .shard(let collection, let shard): return .shard(collection, shard)
        case .full: return .full
        }
    }

    /// Returns a snapshot to stream: the one an interrupted run left on the server, or a new one.
    /// - Parameters:
    ///   - pending: the name an interrupted run recorded for this unit.
    ///   - creatingBefore: names listed before an interrupted run requested a creation whose result it never saw.
    ///   - onCreating: called with the current names just before a creation is requested (journal it).
    ///   - onCreated: called with the new snapshot's name.
    func obtainSnapshot(
        reusing pending: String?, creatingBefore: [String]?, onCreating: ([String]) async throws -> Void,
        onCreated: (String) async throws -> Void
    ) async throws -> SnapshotDescription {
        let existing = try await ownSnapshots()
        if let pending, let found = existing.first(where: { $0.name == pending }) {
            logger.info("reusing snapshot \(pending) of \(item.unit) left by the interrupted run")
            return found
        }
        if let before = creatingBefore {
            // The interrupted run asked for a snapshot; Qdrant finishes it regardless. Adopt it (waiting briefly if
            // it is still being written) rather than leave it behind on the node.
            let known = Set(before)
            var adopted = existing.filter { !known.contains($0.name) }.max { QdrantClient.isOlder($0, than: $1) }
            if adopted == nil {
                adopted = try? await client.waitForSnapshot(
                    scope, excluding: known, peer: item.node.peerId, timeout: options.adoptTimeout,
                    poll: options.pollInterval, vanishGrace: options.vanishGrace)
            }
            if let adopted {
                logger.info("adopting snapshot \(adopted.name) of \(item.unit) requested by the interrupted run")
                for stray in try await ownSnapshots() where !known.contains(stray.name) && stray.name != adopted.name {
                    await deleteServerSnapshot(stray.name)
                }
                try await onCreated(adopted.name)
                return adopted
            }
        }
        let before = Set(existing.map(\.name))
        try await onCreating(existing.map(\.name))
        let created: SnapshotDescription
        if let direct = try await client.createSnapshot(scope, wait: false) {
            created = direct
        } else {
            created = try await client.waitForSnapshot(
                scope, excluding: before, peer: item.node.peerId, timeout: options.snapshotTimeout,
                poll: options.pollInterval, vanishGrace: options.vanishGrace)
        }
        try await onCreated(created.name)
        return created
    }

    /// The node's snapshots of the unit's scope. A node storing its snapshots on S3 lists the other nodes'
    /// collection snapshots too (one prefix per collection): those are never this node's to adopt or delete.
    func ownSnapshots() async throws -> [SnapshotDescription] {
        try await client.listSnapshots(scope).filter { SnapshotName.canBelong($0.name, toPeer: item.node.peerId) }
    }

    /// Streams `snapshot` into the repository; retries the whole object on transport errors and corrupt downloads.
    func upload(_ snapshot: SnapshotDescription) async throws -> BackupManifest.Object {
        let key = BackupLayout.objectKey(backup: backupID, unit: item.unit, snapshotName: snapshot.name)
        let node = item.node.url
        var attempt = 0
        while true {
            attempt += 1
            let digest = Digest(.sha256)
            var received: Int64 = 0
            var sha = ""
            progress.expect(node: node, bytes: snapshot.size)
            do {
                // Nothing is visible under `key` unless the whole download passed the checks below.
                let stored = try await repository.write(key: key, expectedSize: snapshot.size) { writer in
                    let (_, contentLength) = try await client.downloadSnapshot(
                        scope, name: snapshot.name,
                        onBody: { chunk in
                            digest.update(chunk)
                            try await writer.write(chunk)
                            received += Int64(chunk.count)
                            progress.add(node: node, bytes: Int64(chunk.count))
                        })
                    sha = digest.hexDigest()
                    if let contentLength, contentLength != received {
                        throw corrupt("the node sent \(received) bytes but announced \(contentLength)", snapshot)
                    }
                    if received != snapshot.size {
                        throw corrupt(
                            "the node sent \(received) bytes but listed the snapshot with \(snapshot.size)", snapshot)
                    }
                    if let expected = snapshot.checksum, expected.lowercased() != sha {
                        throw corrupt(
                            "SHA-256 of the download is \(sha), Qdrant's checksum is \(expected.lowercased())", snapshot
                        )
                    }
                }
                guard stored.size == received else {
                    throw QSnapError(
                        .backupStoreSize,
                        "\(repository.displayURL)/\(key) holds \(stored.size) bytes, \(received) were sent")
                }
                progress.objectDone(node: node)
                logger.info(
                    "\(item.unit): \(snapshot.name) → \(key) (\(ByteCount.format(received)), sha256 \(sha.prefix(12))…\(snapshot.checksum == nil ? ", no server checksum" : " verified"))"
                )
                return record(snapshot, key: key, size: received, sha256: sha, stored: stored)
            } catch {
                progress.rewind(node: node, bytes: received, expected: snapshot.size)
                let retriable = Self.isRetriable(error)
                guard retriable, attempt < options.attemptsPerObject, !ProcessStop.isRequested else { throw error }
                let delay = min(30, 0.5 * pow(2, Double(attempt - 1))) * Double.random(in: 0.5...1)
                logger.warning(
                    "\(item.unit): attempt \(attempt) failed (\(error)); retrying in \(String(format: "%.1f", delay)) s"
                )
                try await Task.sleep(for: .seconds(delay))
            }
        }
    }

    /// The manifest record of `snapshot` stored under `key` (streamed, or copied server-side from `copiedFrom`).
    func record(
        _ snapshot: SnapshotDescription, key: String, size: Int64, sha256: String?, stored: RepositoryObject,
        copiedFrom: String? = nil
    ) -> BackupManifest.Object {
        var shardID: Int?
        if case .shard(_, let shard) = item.unit { shardID = shard }
        return BackupManifest.Object(
            key: key, size: size, sha256: sha256, etag: stored.etag, kind: options.kind, collection: scope.collection,
            shardId: shardID, peerId: item.node.peerId == 0 ? nil : item.node.peerId, nodeURL: item.node.url,
            snapshotName: snapshot.name, shards: item.shards, storedSize: stored.storedSize, copiedFrom: copiedFrom)
    }

    /// Deletes the server-side snapshot (they fill the nodes' disks).
    func deleteServerSnapshot(_ name: String) async {
        do {
            try await client.deleteSnapshot(scope, name: name)
        } catch {
            logger.warning(
                "could not delete snapshot \(name) of \(item.unit) on \(item.node.url): \(error); delete it by hand")
        }
    }

    private func corrupt(_ what: String, _ snapshot: SnapshotDescription) -> QSnapError {
        QSnapError(
            .backupCorruptDownload,
            "download of \(snapshot.name) from \(item.node.url) is not intact: \(what); nothing was recorded for it")
    }

    /// Whether a failed object is worth another attempt, decided on the failure's type: a download that was not
    /// intact, a retriable Qdrant failure (no answer, a 5xx), a retriable transport failure (the store's connection)
    /// or a retriable S3 error (throttling, 5xx).
    static func isRetriable(_ error: any Error) -> Bool {
        switch error {
        case let e as QSnapError: return e.code == .backupCorruptDownload
        case let e as QdrantError: return e.isRetriableQdrantFailure
        case let e as HTTPError: return e.isRetriableTransportFailure
        case let e as S3Error: return (e.cause as? S3ServiceError)?.isRetriable ?? false
        default: return false
        }
    }
}
