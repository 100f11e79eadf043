import Archive
import Foundation
import QSnapCore
import Qdrant

/// One collection snapshot inside a full-storage snapshot, as the deep inspection of the whole object found it.
struct NestedSnapshot: Sendable, Equatable {
    /// The entry's file name in the full snapshot (e.g. `docs-1234-2026-11-21-10-00-00.snapshot`).
    var file: String
    /// Its size in bytes.
    var size: Int64
    /// Its SHA-256, computed while the whole object was inspected; sent as Qdrant's `checksum`.
    var sha256: String

    /// The nested snapshot of `collection` in a full snapshot's report, or `nil`.
    static func find(_ collection: String, in report: SnapshotReport?) -> NestedSnapshot? {
        guard let c = report?.collections.first(where: { $0.name == collection }), let file = c.snapshotFile,
            let sha = c.snapshotSHA256
        else { return nil }
        return NestedSnapshot(file: file, size: c.bytes, sha256: sha)
    }
}

extension SnapshotSender {
    /// Streams the collection snapshot `nested` out of the full-storage snapshot `object` into
    /// `…/collections/{c}/snapshots/upload` on `node`, with no local staging file.
    ///
    /// The whole object was inspected deep before (``inspect(_:)``, which yields each nested file's SHA-256), and the
    /// nested file goes up with that SHA-256 as Qdrant's `checksum`: the node verifies it received exactly the bytes
    /// qsnap inspected before it unpacks anything, even if the repository's object changed in between.
    func sendNested(
        _ object: BackupManifest.Object, nested: NestedSnapshot, collection: String,
        to node: RestoreTarget.Node
    ) throws {
        let key = object.key
        let reader: ArchiveReader
        var stop: () -> Void = {}
        if let local = repository as? LocalRepository {
            // A file: the reader seeks over the other collections' files.
            reader = try ArchiveReader(.path(try local.path(key)), label: key, allowSeek: true)
        } else {
            // A stream: one thread pumps the repository's bytes into a feed that libarchive reads.
            let feed = ArchiveFeed()
            let cancel = CancellationFlag()
            let repository = self.repository
            // A joined thread: the repository read blocks; feeding libarchive from an async sequence replaces it.
            let pump = try JoinableThread(name: "qsnap-full-read") {
                do {
                    try repository.get(key: key, cancellation: cancel) { bytes in
                        var rest = bytes
                        while !rest.isEmpty {
                            let chunk = ArchiveChunk(capacity: min(rest.count, ObjectInspection.chunkSize))
                            chunk.mutableBytes.copyMemory(
                                from: UnsafeRawBufferPointer(rebasing: rest[..<chunk.capacity]))
                            chunk.count = chunk.capacity
                            try feed.push(chunk)
                            rest = UnsafeRawBufferPointer(rebasing: rest[chunk.capacity...])
                        }
                    }
                    feed.finish()
                } catch {
                    feed.finish(
                        (error as? QSnapError)
                            ?? QSnapError(.failure("restore.read"), "reading \(key) failed: \(error)"))
                }
            }
            stop = {
                cancel.cancel()
                feed.close()
                pump.join()
            }
            do {
                reader = try ArchiveReader(.feed(feed), label: key, allowSeek: false)
            } catch {
                stop()
                throw error
            }
        }
        defer { stop() }
        while let entry = try reader.nextEntry() {
            guard entry.normalizedPath == nested.file else { continue }
            guard entry.size == nested.size else {
                throw QSnapError(
                    .verificationFailed("restore.nested-size"),
                    "\(key)!\(nested.file) is \(entry.size) bytes now, \(nested.size) when it was inspected")
            }
            logger.notice(
                "recovering \(collection) from \(nested.file) (\(ByteCount.format(nested.size))) of \(key) on \(node.url)"
            )
            try node.client.uploadSnapshot(
                .collection(collection), fileName: nested.file, length: nested.size, checksum: nested.sha256,
                priority: .snapshot, wait: true, read: { buffer in try reader.read(into: buffer) })
            removeUploaded(file: nested.file, of: collection, on: node)
            return
        }
        throw QSnapError(
            .verificationFailed("restore.nested-missing"),
            "\(key) no longer holds \(nested.file); run qsnap verify on the backup")
    }
}
