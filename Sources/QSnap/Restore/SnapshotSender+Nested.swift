import Archive
import Foundation
import QSnapCore
import Qdrant
import Synchronization

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
    ) async throws {
        let key = object.key
        let extracted = ArchiveFeed()
        try await withThrowingTaskGroup(of: Void.self) { group in
            var path: String?
            var pumped: ArchiveFeed?
            if let root = repository.localRoot {
                // A file: the reader seeks over the other collections' files.
                path = try LocalRepository.path(of: key, root: root)
            } else {
                // A stream: a child task pumps the repository's bytes into a feed that libarchive reads.
                let feed = ArchiveFeed()
                pumped = feed
                let repository = self.repository
                group.addTask {
                    do {
                        try await repository.get(key: key) { bytes in
                            if !bytes.isEmpty { try await feed.push(ArchiveChunk(copying: bytes)) }
                        }
                        feed.finish()
                    } catch {
                        feed.finish(QSnapError(mapping: error, else: .restoreRead) { "reading \(key) failed: \($0)" })
                    }
                }
            }
            let file = path, input = pumped
            group.addTask {
                do {
                    try await ArchiveWorkers.run {
                        let source: ArchiveReader.Source = file.map { .path($0) } ?? .feed(input!)
                        try Self.extract(nested, from: source, label: key, seekable: file != nil, into: extracted)
                    }
                } catch {
                    extracted.finish(QSnapError(mapping: error, else: .restoreRead) { "reading \(key) failed: \($0)" })
                }
            }
            defer {
                // Whatever happened, the read and the extraction stop now (the group awaits them).
                pumped?.close()
                extracted.close()
                group.cancelAll()
            }
            // The first bytes (or the end) arrive once the entry was found with its inspected size: nothing goes to
            // the node before.
            let first = try await extracted.nextChunk()
            logger.notice(
                "recovering \(collection) from \(nested.file) (\(ByteCount.format(nested.size))) of \(key) on \(node.url)"
            )
            let pending = PendingChunk(first)
            try await node.client.uploadSnapshot(
                .collection(collection), fileName: nested.file, length: nested.size, checksum: nested.sha256,
                priority: .snapshot, wait: true,
                next: {
                    if let chunk = pending.take() { return chunk }
                    return try await extracted.nextChunk().map { Array($0.bytes) }
                })
        }
        await removeUploaded(file: nested.file, of: collection, on: node)
    }

    /// Finds `nested` in the archive and pushes its bytes into `feed` (on a pool thread: libarchive blocks).
    private static func extract(
        _ nested: NestedSnapshot, from source: ArchiveReader.Source, label: String, seekable: Bool,
        into feed: ArchiveFeed
    ) throws {
        let reader = try ArchiveReader(source, label: label, allowSeek: seekable)
        while let entry = try reader.nextEntry() {
            guard entry.normalizedPath == nested.file else { continue }
            guard entry.size == nested.size else {
                throw QSnapError(
                    .restoreNestedSize,
                    "\(label)!\(nested.file) is \(entry.size) bytes now, \(nested.size) when it was inspected")
            }
            while true {
                let chunk = ArchiveChunk(capacity: 1 << 20)
                let n = try reader.read(into: chunk.mutableBytes)
                if n == 0 { break }
                chunk.count = n
                try feed.pushOnThread(chunk)
            }
            feed.finish()
            return
        }
        throw QSnapError(
            .restoreNestedMissing,
            "\(label) no longer holds \(nested.file); run qsnap verify on the backup")
    }
}

/// The first chunk of an upload, taken once by its body producer.
private final class PendingChunk: Sendable {
    private let chunk: Mutex<[UInt8]?>
    init(_ first: ArchiveChunk?) { chunk = Mutex(first.map { Array($0.bytes) }) }
    func take() -> [UInt8]? {
        chunk.withLock { c in
            defer { c = nil }; return c
        }
    }
}
