import Archive
import Foundation
import QSnapCore
import Synchronization

/// Streams one backup object from the repository through a deep ``SnapshotInspector`` inspection and a SHA-256
/// against the manifest, each on its own thread — the checks `qsnap verify` makes, in one read of the object.
///
/// As the body source of a `…/snapshots/upload` (``read(into:)``) it checks exactly the bytes the node receives and
/// holds the object's final chunk back until both verdicts are in: the node cannot finish the multipart request, so
/// it cannot recover the snapshot, before the whole archive passed. A failed check (unsafe or damaged archive, wrong
/// size or SHA-256) makes ``read(into:)`` throw, which aborts the request; the node then discards the partial
/// upload. A check that fails early stops the upload at once. ``run()`` only checks (no upload).
///
/// Not thread-safe: one thread reads; ``cancel()`` when the transfer ended.
final class ObjectInspection: @unchecked Sendable {
    /// Bytes per chunk read from the repository.
    static let chunkSize = 1 << 20

    private let object: BackupManifest.Object
    private let source: (UnsafeMutableRawBufferPointer) throws -> Int
    private let inspectFeed = ArchiveFeed()
    private let hashFeed = ArchiveFeed()
    private let inspector: Verdict
    private let hasher: Verdict
    private let inspected = ReportSlot()
    private var started = false
    private var exhausted = false
    private var fetched: Int64 = 0
    private var current: ArchiveChunk?
    private var offset = 0
    private var ahead: ArchiveChunk?
    private var settled: Result<Void, QSnapError>?

    /// True once the whole object passed the inspection and its SHA-256 matched (before its last bytes were sent).
    var passed: Bool {
        if case .success = settled { return true }
        return false
    }

    /// What the deep inspection found (kind, collections, for a full snapshot each nested file's SHA-256), once the
    /// whole object passed; else `nil`.
    var report: SnapshotReport? {
        guard passed else { return nil }
        return inspected.value.withLock { $0 }
    }

    /// The SHA-256 of the whole object once it passed (the manifest's, or the computed one where the manifest has
    /// none), else `nil`.
    var sha256: String? {
        guard passed else { return nil }
        return inspected.sha256.withLock { $0 }
    }

    /// The inspection's refusal when it failed (unsafe or damaged object), else `nil`.
    var refusal: QSnapError? {
        if case .failure(let error) = settled { return error }
        return nil
    }

    /// Starts the inspection and hash threads.
    /// - Parameters:
    ///   - object: the manifest's record (key, size, SHA-256).
    ///   - source: reads the next bytes of the object from the repository; 0 at its end.
    init(object: BackupManifest.Object, source: @escaping (UnsafeMutableRawBufferPointer) throws -> Int) {
        self.object = object
        self.source = source
        let feed = inspectFeed
        let name = (object.key as NSString).lastPathComponent
        let key = object.key
        let inspected = self.inspected
        inspector = Verdict(name: "qsnap-inspect", reading: feed) {
            // Deep: every entry at every level, as Qdrant's unpacker would meet it. The SHA-256 runs beside it.
            let report = try SnapshotInspector.inspect(
                feed: feed, displayPath: key, fileName: name,
                options: InspectOptions(checksumSource: "manifest", deep: true))
            inspected.value.withLock { $0 = report }
        }
        let hashFeed = self.hashFeed
        let expected = object.sha256?.lowercased()
        hasher = Verdict(name: "qsnap-sha256", reading: hashFeed) {
            defer { hashFeed.close() }
            let digest = Digest(.sha256)
            // The chunk's storage dies with the chunk: keep it alive while its bytes are hashed (once the feed let go
            // of it, this is the only reference, which an optimised build would otherwise drop before the update).
            while let chunk = try hashFeed.next() { withExtendedLifetime(chunk) { digest.update(chunk.bytes) } }
            let actual = digest.hexDigest()
            inspected.sha256.withLock { $0 = actual }
            // A server-side copy has no SHA-256 in its manifest until `qsnap verify` filled it in: the one computed
            // here is what the node is then told to check.
            guard let expected else { return }
            guard actual == expected else {
                throw QSnapError(
                    .verificationFailed("archive.checksum"),
                    "\(key): SHA-256 is \(actual) but the manifest checksum is \(expected); "
                        + "the archive is corrupt or is not the one the checksum belongs to")
            }
        }
    }

    deinit { cancel() }

    /// Fills `buffer` with the next bytes of the object; 0 at its end.
    /// - Throws: the inspection's refusal (`refused` or `verificationFailed`), or the repository's read error.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if let chunk = current, offset < chunk.count { return copy(from: chunk, into: buffer) }
        if !started {
            started = true
            ahead = try fetch()
        }
        guard let next = ahead else {
            try settle()
            return 0
        }
        let following = try fetch()
        // `next` is the last chunk: the node cannot complete the upload without it.
        if following == nil { try settle() }
        current = next
        offset = 0
        ahead = following
        return copy(from: next, into: buffer)
    }

    /// Reads the whole object through both checks without sending it anywhere.
    /// - Throws: the refusal (`refused` or `verificationFailed`), or the repository's read error.
    func run() throws {
        if !started {
            started = true
            ahead = try fetch()
        }
        while ahead != nil {
            ahead = try fetch()
        }
        try settle()
    }

    /// The check threads, for tests that make sure they are gone once ``cancel()`` returned.
    var threads: [JoinableThread] { [inspector, hasher].compactMap(\.thread) }

    /// Stops both threads (the transfer ended or failed) and waits until they have exited.
    func cancel() {
        let stop = QSnapError(.failure("restore.upload-cancelled"), "the upload of \(object.key) ended")
        inspectFeed.finish(stop)
        hashFeed.finish(stop)
        inspector.wait()
        hasher.wait()
    }

    private func copy(from chunk: ArchiveChunk, into buffer: UnsafeMutableRawBufferPointer) -> Int {
        withExtendedLifetime(chunk) {
            let n = min(buffer.count, chunk.count - offset)
            guard n > 0, let base = buffer.baseAddress, let src = chunk.bytes.baseAddress else { return 0 }
            base.copyMemory(from: src + offset, byteCount: n)
            offset += n
            return n
        }
    }

    /// Reads the next chunk from the repository and hands it to both threads; `nil` at the end of the object.
    private func fetch() throws -> ArchiveChunk? {
        if exhausted { return nil }
        let chunk = ArchiveChunk(capacity: Self.chunkSize)
        do {
            while chunk.count < chunk.capacity {
                let room = UnsafeMutableRawBufferPointer(rebasing: chunk.mutableBytes[chunk.count...])
                let n = try source(room)
                if n == 0 { break }
                chunk.count += n
            }
        } catch {
            let failure =
                (error as? QSnapError) ?? QSnapError(.failure("restore.read"), "reading \(object.key) failed: \(error)")
            inspectFeed.finish(failure)
            hashFeed.finish(failure)
            throw error
        }
        if chunk.count == 0 {
            exhausted = true
            guard fetched == object.size else {
                throw refuse(
                    QSnapError(
                        .verificationFailed("verify.size"),
                        "\(object.key): read \(fetched) bytes, the manifest says \(object.size)"))
            }
            inspectFeed.finish()
            hashFeed.finish()
            return nil
        }
        fetched += Int64(chunk.count)
        guard fetched <= object.size else {
            throw refuse(
                QSnapError(
                    .verificationFailed("verify.size"),
                    "\(object.key) holds more than the \(object.size) bytes the manifest says"))
        }
        do {
            try inspectFeed.push(chunk)
            try hashFeed.push(chunk)
        } catch {
            // A feed closed early: its reader failed. Its verdict is the reason.
            try settle()
            throw refuse(QSnapError(.failure("restore.inspect"), "the inspection of \(object.key) stopped early"))
        }
        return chunk
    }

    /// Waits for both verdicts (once); throws the refusal.
    private func settle() throws {
        if settled == nil {
            inspectFeed.finish()
            hashFeed.finish()
            inspector.wait()
            hasher.wait()
            // The structural refusal first: it names the unsafe entry; a damaged archive usually fails both.
            if let error = inspector.error ?? hasher.error {
                settled = .failure(error)
            } else {
                settled = .success(())
            }
        }
        if case .failure(let error) = settled { throw error }
    }

    private func refuse(_ error: QSnapError) -> QSnapError {
        if settled == nil {
            inspectFeed.finish(error)
            hashFeed.finish(error)
            inspector.wait()
            hasher.wait()
            settled = .failure(error)
        }
        return refusal ?? error
    }

    /// Where the inspection thread leaves its report.
    private final class ReportSlot: Sendable {
        let value = Mutex<SnapshotReport?>(nil)
        let sha256 = Mutex<String?>(nil)
    }

    /// One check running on its own thread.
    private final class Verdict: @unchecked Sendable {
        private let lock = NSLock()
        private var failure: QSnapError?
        /// `nil` when the thread could not be started.
        private(set) var thread: JoinableThread?

        /// Starts `body` on a thread named `name`; `feed` is what it reads (closed if the thread cannot start, so the
        /// producer's next push fails instead of waiting for a reader that never comes).
        init(name: String, reading feed: ArchiveFeed, _ body: @escaping @Sendable () throws -> Void) {
            do {
                // 16 MiB: a deep inspection nests libarchive readers and JSON decoding, deepest in a debug build.
                thread = try JoinableThread(name: name, stackSize: 16 << 20) { [self] in
                    var failure: QSnapError?
                    do { try body() } catch let error as QSnapError {
                        failure = error
                    } catch {
                        failure = QSnapError(.failure("restore.inspect"), "\(error)")
                    }
                    lock.withLock { self.failure = failure }
                }
            } catch {
                lock.withLock {
                    failure = (error as? QSnapError) ?? QSnapError(.failure("restore.inspect"), "\(error)")
                }
                feed.close()
            }
        }

        /// Waits until the check's thread has exited — not merely finished its work: a process that exits right after
        /// (a refused restore) must not pull global state from under a thread still running its exit clean-up.
        /// Returns at once afterwards.
        func wait() {
            thread?.join()
        }

        /// The check's failure (after ``wait()``).
        var error: QSnapError? {
            lock.withLock { failure }
        }
    }
}
