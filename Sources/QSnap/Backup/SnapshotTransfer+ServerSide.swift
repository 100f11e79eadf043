import Foundation
import QSnapCore
import Qdrant
import S3

extension SnapshotTransfer {
    /// Has the store copy `snapshot` from where the node wrote it on S3 into the repository (no byte through this
    /// host), when the node stores its snapshots on S3 and the repository is a plain S3 repository of the same
    /// endpoint. Qdrant reports no checksum for snapshots it keeps on S3, so the object's SHA-256 stays unknown until
    /// `qsnap verify` reads it.
    /// - Returns: the manifest record, or `nil` when the snapshot is not in the nodes' S3 store (stream it instead).
    /// - Throws: `usage("backup.server-side")` with ``ServerSideMode/always`` when it cannot be copied server-side;
    ///   S3 errors of the copy.
    func copyServerSide(_ snapshot: SnapshotDescription) async throws -> BackupManifest.Object? {
        guard options.serverSide != .never else { return nil }
        guard let s3 = repository as? S3Repository else {
            return try refuse(
                "the repository \(repository.displayURL) is not a plain S3 repository (server-side copies "
                    + "need one on the endpoint the nodes write their snapshots to; an encrypted repository "
                    + "must receive encrypted bytes)")
        }
        guard snapshot.checksum == nil else {
            return try refuse(
                "\(item.node.url) reported a checksum for \(snapshot.name), so it keeps its snapshots on "
                    + "local disk, not on S3")
        }
        let store = options.nodeSnapshotStore
        let bucket = store.bucket ?? s3.client.configuration.bucket
        let source = S3ObjectReference(bucket: bucket, key: store.key(for: item.unit, snapshotName: snapshot.name))
        let sourceClient = try s3.client.sibling(bucket: bucket)
        guard let found = try await sourceClient.headObject(key: source.key) else {
            return try refuse(
                "\(source.display) does not exist: pass --snapshots-bucket and --snapshots-prefix as the "
                    + "nodes' storage.snapshots_config.s3_config bucket and snapshots_path say")
        }
        guard found.size == snapshot.size else {
            return try refuse(
                "\(source.display) holds \(found.size) bytes, \(item.node.url) lists \(snapshot.name) with \(snapshot.size)"
            )
        }
        let key = BackupLayout.objectKey(backup: backupID, unit: item.unit, snapshotName: snapshot.name)
        let node = item.node.url
        progress.expect(node: node, bytes: found.size)
        let copied = try await s3.client.copyObject(
            from: source, size: found.size, to: s3.full(key), partSize: options.copyPartSize)
        guard let stored = try await s3.head(key: key), stored.size == found.size else {
            throw QSnapError(
                .backupStoreSize,
                "the server-side copy of \(source.display) to \(s3.displayURL)/\(key) does not hold \(found.size) bytes"
            )
        }
        progress.add(node: node, bytes: found.size)
        progress.objectDone(node: node)
        logger.info(
            "\(item.unit): \(snapshot.name) copied server-side \(source.display) → \(key) (\(ByteCount.format(found.size)), \(copied.partCount) part(s))"
        )
        return record(snapshot, key: key, size: found.size, sha256: nil, stored: stored, copiedFrom: source.display)
    }

    /// `nil` (stream instead) in ``ServerSideMode/auto``; the refusal with ``ServerSideMode/always``.
    private func refuse(_ why: String) throws -> BackupManifest.Object? {
        guard options.serverSide == .always else {
            logger.debug("\(item.unit): not copied server-side: \(why)")
            return nil
        }
        throw QSnapError(.backupServerSide, "--server-side: cannot copy \(item.unit) server-side: \(why)")
    }
}
