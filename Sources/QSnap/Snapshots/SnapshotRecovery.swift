import Archive
import Foundation
import Logging
import QSnapCore
import Qdrant

/// Recovers a local snapshot archive into a collection or shard of one node (`qsnap snapshot recover`), with the
/// checks `qsnap restore` makes before any node sees a byte.
///
/// 1. The archive is inspected deep — every entry at every level — with its SHA-256 computed in the same pass and
///    compared with `--checksum` or its `.checksum` sidecar: an unsafe or damaged archive is refused (`refused`, exit 3)
///    and a checksum mismatch fails (`verificationFailed`, exit 4) before anything is sent. Compressed copies and
///    full-storage snapshots (Qdrant recovers neither over REST) and archives of the other kind than the scope are
///    refused too.
/// 2. It is uploaded through ``SnapshotSender`` (`…/snapshots/upload` with the SHA-256 as `checksum`) — the same path
///    as `qsnap restore --transport upload`, which inspects the bytes it streams once more and holds the last ones
///    back until they passed, so a file changed between the two reads cannot be recovered.
/// 3. The copy Qdrant keeps of an uploaded collection snapshot is deleted from the node afterwards.
public struct SnapshotRecovery: Sendable {
    let logger: Logger

    /// Creates the operation.
    public init(logger: Logger) {
        self.logger = logger
    }

    /// Inspects `file` and recovers it into `scope` on the node at `url`.
    /// - Parameters:
    ///   - scope: ``SnapshotScope/collection(_:)`` or ``SnapshotScope/shard(_:_:)`` (a missing collection is created
    ///     from a collection snapshot's config by Qdrant; a shard needs the collection to exist).
    ///   - checksum: the expected SHA-256; else the file's `.checksum` sidecar when there is one.
    public func recover(
        file: String, into scope: SnapshotScope, url: String, connection: QdrantConnection,
        priority: SnapshotPriority, checksum: String?
    ) async throws -> SnapshotRecoveryResult {
        var st = stat()
        guard stat(file, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else {
            throw QSnapError(.recoverFile, "\(file) is not a readable file")
        }
        let fileName = (file as NSString).lastPathComponent
        guard SnapshotName.isBareFileName(fileName) else {
            throw QSnapError(.recoverFile, "\(file): the file name cannot be sent to Qdrant; rename the file")
        }
        let expectedKind: SnapshotName.Kind
        switch scope {
        case .collection: expectedKind = .collection
        case .shard: expectedKind = .shard
        case .full:
            throw QSnapError(
                .qdrantFullRecover,
                "Qdrant has no REST endpoint that recovers a full-storage snapshot; give --collection")
        }

        // 1. Before any node sees it: deep inspection and SHA-256 in one pass.
        let options = InspectOptions(
            expectedSHA256: checksum, checksumSource: checksum == nil ? nil : "flag", computeSHA256: true, deep: true)
        let report = try await ArchiveWorkers.run { try SnapshotInspector.inspect(path: file, options: options) }
        guard report.archive.compression.isEmpty else {
            throw QSnapError(
                .recoverCompressed,
                "\(file) is compressed (\(report.archive.compression.joined(separator: ", "))); Qdrant recovers "
                    + "plain tar snapshots only: decompress it, check it with qsnap inspect, then recover it")
        }
        guard report.kind == expectedKind else {
            throw QSnapError(
                .recoverKind,
                "\(file) is a \(report.kind.rawValue) snapshot, not a \(expectedKind.rawValue) snapshot: "
                    + (report.kind == .full
                        ? "Qdrant recovers full-storage snapshots only at start-up (--storage-snapshot)"
                        : report.kind == .shard ? "give --shard N" : "leave out --shard"))
        }
        guard let sha = report.archive.sha256 else {
            throw QSnapError(.recoverSha256, "the SHA-256 of \(file) was not computed")
        }
        let matched =
            report.archive.checksumVerified == true
            ? " (matches the \(report.archive.checksumSource ?? "given") checksum)" : ""
        logger.info(
            "\(file): \(report.kind.rawValue) snapshot, \(report.totals.entries) entries, sha256 \(sha.prefix(12))…\(matched)"
        )

        // 2. Upload with the same sender and inspection as `qsnap restore --transport upload`.
        let client = connection.client(url, logger: logger)
        try await QdrantAccessCheck(role: "target", client: client, logger: logger)
            .require(.manage(operation: "snapshot recover (it recovers a collection or shard)"))
        let info = try await client.serverInfo()
        let node = RestoreTarget.Node(
            url: SafeURL.display(url), client: client, peerId: nil, version: info.version,
            freeBytes: nil, freeSource: "", ramBytes: nil)
        let directory = (file as NSString).deletingLastPathComponent
        let repository = try LocalRepository(root: directory.isEmpty ? "." : directory)
        let shardId: Int? = if case .shard(_, let s) = scope { s } else { nil }
        let object = BackupManifest.Object(
            key: fileName, size: Int64(st.st_size), sha256: sha, etag: "",
            kind: expectedKind == .shard ? .shard : .collection, collection: scope.collection, shardId: shardId,
            peerId: nil, nodeURL: node.url, snapshotName: fileName, shards: shardId.map { [$0] } ?? [])
        var sender = SnapshotSender(
            repository: repository, transport: .upload, objectBaseURL: nil, presignExpiry: 0,
            logger: logger)
        sender.subject = "snapshot file \(file)"
        try await sender.send(object, scope: scope, to: node, priority: priority)
        logger.info("\(file) recovered into \(scope) on \(node.url)")
        return SnapshotRecoveryResult(
            node: node.url, collection: scope.collection ?? "", shard: shardId, file: file, size: Int64(st.st_size),
            sha256: sha, checksumSource: report.archive.checksumSource, kind: report.kind.rawValue,
            priority: priority.rawValue, entries: report.totals.entries)
    }
}
