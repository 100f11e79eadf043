import Archive
import Foundation
import QSnapCore

/// Checks one backup object as it streams from the repository: a deep ``SnapshotInspector`` inspection on an
/// ``ArchiveWorkers`` thread and a SHA-256 against the manifest — the checks `qsnap verify` makes, in one read of the
/// object.
///
/// ``check(_:in:body:)`` runs the repository read and the inspection as child tasks and hands `body` the inspection;
/// `body` pulls the object's bytes with ``next()`` — as the body of a `…/snapshots/upload`, so the node receives
/// exactly the bytes that are checked. ``next()`` holds the object's final chunk back until both verdicts are in: the
/// node cannot finish the multipart request, so it cannot recover the snapshot, before the whole archive passed. A
/// failed check (unsafe or damaged archive, wrong size or SHA-256) makes ``next()`` throw, which aborts the request;
/// the node then discards the partial upload. A check that fails early stops the upload at once.
actor ObjectInspection {
    private let object: BackupManifest.Object
    /// The repository's bytes, from the reading child task.
    private let source: BoundedChannel<[UInt8]>
    /// The bytes for the inspector.
    private let feed = ArchiveFeed()
    /// The inspector's report, once: sent by the inspecting child task, or its failure.
    private let verdict = BoundedChannel<SnapshotReport>(capacity: 1)
    private let digest = Digest(.sha256)
    private var fetched: Int64 = 0
    private var started = false
    private var ahead: [UInt8]?
    private var settled: Result<SnapshotReport, QSnapError>?
    private var computedSHA256: String?

    private init(object: BackupManifest.Object, source: BoundedChannel<[UInt8]>) {
        self.object = object
        self.source = source
    }

    /// Reads `object` from `repository` through the checks while `body` pulls its bytes with ``next()``; the read
    /// and the inspection end (and are awaited) before this returns.
    /// - Throws: what `body` throws (a caller whose upload failed asks ``refusal`` whether the inspection caused it).
    static func check<R: Sendable>(
        _ object: BackupManifest.Object, in repository: any Repository,
        body: @Sendable (ObjectInspection) async throws -> R
    ) async throws -> R {
        let source = BoundedChannel<[UInt8]>(capacity: 2)
        let inspection = ObjectInspection(object: object, source: source)
        let key = object.key
        let name = (object.key as NSString).lastPathComponent
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                do {
                    try await repository.get(key: key) { try await source.send($0) }
                    source.finish()
                } catch {
                    source.fail(error)
                }
            }
            let feed = inspection.feed, verdict = inspection.verdict
            group.addTask {
                do {
                    // Deep: every entry at every level, as Qdrant's unpacker would meet it.
                    let report = try await ArchiveWorkers.run {
                        try SnapshotInspector.inspect(
                            feed: feed, displayPath: key, fileName: name,
                            options: InspectOptions(checksumSource: "manifest", deep: true))
                    }
                    try await verdict.send(report)
                } catch {
                    verdict.fail(
                        QSnapError(mapping: error, else: .restoreInspect))
                }
            }
            defer {
                // Whatever happened, the read and the inspection stop now (the group awaits them).
                let stop = QSnapError(.restoreUploadCancelled, "the upload of \(key) ended")
                source.fail(stop)
                feed.finish(stop)
                group.cancelAll()
            }
            return try await body(inspection)
        }
    }

    /// True once the whole object passed the inspection and its SHA-256 matched (before its last bytes were sent).
    var passed: Bool {
        if case .success = settled { return true }
        return false
    }

    /// What the deep inspection found (kind, collections, for a full snapshot each nested file's SHA-256), once the
    /// whole object passed; else `nil`.
    var report: SnapshotReport? {
        if case .success(let report) = settled { return report }
        return nil
    }

    /// The SHA-256 of the whole object once it passed (the manifest's, or the computed one where the manifest has
    /// none), else `nil`.
    var sha256: String? { passed ? computedSHA256 : nil }

    /// The inspection's refusal when it failed (unsafe or damaged object), else `nil`.
    var refusal: QSnapError? {
        if case .failure(let error) = settled { return error }
        return nil
    }

    /// The next bytes of the object; `nil` at its end.
    /// - Throws: the inspection's refusal (`refused` or `verificationFailed`), or the repository's read error.
    func next() async throws -> [UInt8]? {
        if !started {
            started = true
            ahead = try await fetch()
        }
        guard let current = ahead else {
            _ = try await settle()
            return nil
        }
        let following = try await fetch()
        // `current` is the last chunk: the node cannot complete the upload without it.
        if following == nil { _ = try await settle() }
        ahead = following
        return current
    }

    /// Reads the whole object through both checks without sending it anywhere.
    /// - Returns: the inspection's report.
    /// - Throws: the refusal (`refused` or `verificationFailed`), or the repository's read error.
    func run() async throws -> SnapshotReport {
        while try await next() != nil {}
        return try await settle()
    }

    /// The next chunk from the repository, hashed and handed to the inspector; `nil` at the end of the object.
    private func fetch() async throws -> [UInt8]? {
        let chunk: [UInt8]?
        do {
            chunk = try await source.receive()
        } catch {
            let failure = QSnapError(mapping: error, else: .restoreRead) { "reading \(self.object.key) failed: \($0)" }
            feed.finish(failure)
            throw error
        }
        guard let chunk else {
            guard fetched == object.size else {
                throw await refuse(
                    QSnapError(
                        .verifySize,
                        "\(object.key): read \(fetched) bytes, the manifest says \(object.size)"))
            }
            feed.finish()
            return nil
        }
        if chunk.isEmpty { return try await fetch() }
        fetched += Int64(chunk.count)
        guard fetched <= object.size else {
            throw await refuse(
                QSnapError(
                    .verifySize,
                    "\(object.key) holds more than the \(object.size) bytes the manifest says"))
        }
        digest.update(chunk)
        do {
            try await feed.push(ArchiveChunk(copying: chunk))
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            // The feed was closed early: the inspector failed. Its verdict is the reason.
            _ = try await settle()
            throw await refuse(QSnapError(.restoreInspect, "the inspection of \(object.key) stopped early"))
        }
        return chunk
    }

    /// Waits for the inspector's verdict and checks the SHA-256 (once); throws the refusal.
    private func settle() async throws -> SnapshotReport {
        if settled == nil {
            feed.finish()
            do {
                guard let report = try await verdict.receive() else {
                    throw QSnapError(
                        .restoreInspect, "the inspection of \(object.key) ended without a verdict")
                }
                let actual = digest.hexDigest()
                computedSHA256 = actual
                // A server-side copy has no SHA-256 in its manifest until `qsnap verify` filled it in: the one computed
                // here is what the node is then told to check.
                if let expected = object.sha256?.lowercased(), actual != expected {
                    throw QSnapError(
                        .archiveChecksum,
                        "\(object.key): SHA-256 is \(actual) but the manifest checksum is \(expected); "
                            + "the archive is corrupt or is not the one the checksum belongs to")
                }
                settled = .success(report)
            } catch {
                guard let refusal = QSnapError(mapping: error) else { throw error }
                settled = .failure(refusal)
            }
        }
        return try settled!.get()
    }

    /// Stops the inspector with `reason` and records the refusal (the inspector's own, when it had one first).
    private func refuse(_ reason: QSnapError) async -> QSnapError {
        if settled == nil {
            feed.finish(reason)
            do {
                _ = try await verdict.receive()
                settled = .failure(reason)
            } catch {
                // The inspector's own refusal names the unsafe entry; a damaged archive usually fails both ways.
                let own = QSnapError(mapping: error).flatMap { $0.code != reason.code ? $0 : nil }
                settled = .failure(own ?? reason)
            }
        }
        return refusal ?? reason
    }
}
