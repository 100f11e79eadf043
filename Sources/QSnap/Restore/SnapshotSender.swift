import Foundation
import Logging
import QSnapCore
import Qdrant

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Moves one snapshot object from the repository onto a target node and recovers it there, by ``RestoreTransport``.
struct SnapshotSender: Sendable {
    let repository: any Repository
    let transport: RestoreTransport
    /// Base HTTP URL of a directory repository for ``RestoreTransport/url``.
    let objectBaseURL: String?
    /// Lifetime of presigned URLs, in seconds.
    let presignExpiry: Int
    let logger: Logger
    /// The backup being restored, named in refusals.
    var backupID: String?
    /// What is being restored, named in refusals instead of the backup (e.g. `snapshot file x.snapshot`).
    var subject: String?
    /// `--transport auto`: a node that fails to recover from the URL (it cannot reach the store, or refuses URLs)
    /// gets the object uploaded instead.
    var fallBackToUpload = false
    /// Clean-ups left running in the background (removing uploaded snapshot files); ``finishCleanups()`` waits.
    let cleanups = DispatchGroup()

    /// Waits for the background clean-ups to end.
    func finishCleanups() {
        cleanups.wait()
    }

    /// Recovers `object` into `scope` on `node` with `priority` (default `snapshot`) and the manifest's SHA-256 as
    /// checksum.
    func send(
        _ object: BackupManifest.Object, scope: SnapshotScope, to node: RestoreTarget.Node,
        priority: SnapshotPriority = .snapshot
    ) throws {
        switch transport {
        case .upload, .auto:
            try upload(object, scope: scope, to: node, priority: priority)
        case .url:
            guard !(repository is EncryptedRepository) else {
                throw QSnapError(
                    .usage("restore.transport-encrypted"),
                    "an encrypted repository cannot be restored with --transport url: the node would download bytes it cannot decrypt; use --transport upload (the default)"
                )
            }
            let location = try locationURL(for: object.key)
            do {
                try node.client.recoverSnapshot(
                    scope, location: location, priority: priority, checksum: object.sha256,
                    wait: true)
            } catch let error as QSnapError where Self.refusesURLRecovery(error) {
                // Qdrant Cloud blocks outbound traffic, and self-hosted nodes may disable URL recovery.
                logger.notice("\(node.url) refuses recovery from a URL: uploading \(object.key) instead")
                try upload(object, scope: scope, to: node, priority: priority)
            } catch let error as QSnapError
                where fallBackToUpload && error.qdrantFailure != nil && !ProcessStop.isRequested
            {
                // The node answered: it could not fetch or recover from the URL (e.g. no route to the store). The
                // upload inspects the object again as it streams it, so a damaged object is still refused.
                logger.notice(
                    "\(node.url) could not recover \(object.key) from its presigned URL (\(error.message)); uploading it instead"
                )
                try upload(object, scope: scope, to: node, priority: priority)
            }
        }
    }

    /// Reads `object` from the repository and checks it the way `qsnap verify` does — present with the manifest's
    /// size, a sound Qdrant snapshot at every level (deep inspection) and the manifest's SHA-256 — without sending it.
    /// - Throws: `verificationFailed` (missing, size or checksum mismatch) or `refused` (unsafe or damaged archive).
    /// - Returns: what the inspection found (for a full snapshot: each nested collection file and its SHA-256), and
    ///   the object's SHA-256 (computed where the manifest has none: a server-side copy not yet verified).
    @discardableResult
    func inspect(_ object: BackupManifest.Object) throws -> (report: SnapshotReport?, sha256: String?) {
        try BackupVerifier.checkPresent(object, in: repository)
        let (source, cleanup) = try openObject(object)
        defer { cleanup() }
        let inspection = ObjectInspection(object: object, source: source)
        defer { inspection.cancel() }
        try inspection.run()
        return (inspection.report, inspection.sha256)
    }

    /// A reader of the object's bytes (a file, or a producer thread streaming from the repository), and what to do
    /// when done with it.
    func openObject(_ object: BackupManifest.Object) throws
        -> (source: (UnsafeMutableRawBufferPointer) throws -> Int, cleanup: () -> Void)
    {
        if let local = repository as? LocalRepository {
            let path = try local.path(object.key)
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else {
                throw QSnapError(
                    .failure("restore.object-missing"),
                    "cannot open \(path) of the backup: \(String(cString: strerror(errno))). Run qsnap verify.")
            }
            #if canImport(Glibc)
                _ = posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL)
            #endif
            return (
                { buffer in
                    while true {
                        let n = read(fd, buffer.baseAddress, buffer.count)
                        if n >= 0 { return n }
                        if errno == EINTR { continue }
                        throw QSnapError(
                            .failure("restore.read"), "reading \(path) failed: \(String(cString: strerror(errno)))")
                    }
                }, { close(fd) }
            )
        }
        let pipe = ByteStreamPipe()
        let stop = CancellationFlag()
        let repository = self.repository
        let key = object.key
        let producer = try JoinableThread(name: "qsnap-repo-read") {
            do {
                try repository.get(key: key, cancellation: stop) { chunk in try pipe.write(chunk) }
                pipe.finish(nil)
            } catch {
                pipe.finish(error)
            }
        }
        // Cancelling makes the producer's next write throw and stops its GET within about a second even while
        // stalled; joining waits until its thread has exited, so none is left running when the process exits (e.g.
        // right after a refusal).
        return (
            { buffer in try pipe.read(into: buffer) },
            {
                stop.cancel()
                pipe.cancel()
                producer.join()
            }
        )
    }

    /// Streams the object into `…/snapshots/upload` through an ``ObjectInspection``: the node receives the last
    /// bytes only after the whole object passed the deep inspection and its SHA-256 matched the manifest's.
    private func upload(
        _ object: BackupManifest.Object, scope: SnapshotScope, to node: RestoreTarget.Node,
        priority: SnapshotPriority
    ) throws {
        let backup = subject ?? backupID.map { "backup \($0)" } ?? "the backup"
        do { try BackupVerifier.checkPresent(object, in: repository) } catch let error as QSnapError {
            throw QSnapError(
                error.code, "refusing to restore \(backup): \(error.message); nothing was sent to \(node.url)")
        }
        let (source, cleanup) = try openObject(object)
        defer { cleanup() }
        let inspection = ObjectInspection(object: object, source: source)
        defer { inspection.cancel() }
        do {
            try node.client.uploadSnapshot(
                scope, fileName: object.snapshotName, length: object.size, checksum: object.sha256, priority: priority,
                wait: true, read: { buffer in try inspection.read(into: buffer) })
        } catch {
            if let refusal = inspection.refusal {
                throw QSnapError(
                    refusal.code,
                    "refusing to restore \(backup): \(refusal.message); the upload to "
                        + "\(node.url) was aborted before the node could recover it")
            }
            throw error
        }
        guard inspection.passed else {
            // Only a node answering before it received the whole body gets here; it cannot have recovered it.
            throw QSnapError(
                .failure("restore.upload"),
                "\(node.url) answered the upload of \(object.key) before receiving all of it")
        }
        // Qdrant keeps an uploaded collection snapshot in its snapshots directory: remove it (best effort), beside
        // what the restore does next.
        if case .collection(let name) = scope { removeUploaded(file: object.snapshotName, of: name, on: node) }
    }

    /// Removes (best effort, in the background) the copy of an uploaded collection snapshot that Qdrant keeps in its
    /// snapshots directory.
    func removeUploaded(file: String, of collection: String, on node: RestoreTarget.Node) {
        let client = node.client, logger = self.logger, url = node.url
        // GCD: a fire-and-forget clean-up joined by `finishCleanups()`; a task group replaces it.
        DispatchQueue.global().async(group: cleanups) {
            do { try client.deleteSnapshot(.collection(collection), name: file) } catch {
                logger.debug("could not remove the uploaded \(file) on \(url): \(error)")
            }
        }
    }

    /// True for a node's refusal to download a snapshot itself (403 "Snapshot recovery from remote URLs is disabled").
    static func refusesURLRecovery(_ error: QSnapError) -> Bool {
        guard let failure = error.qdrantFailure, failure.status == 403 else { return false }
        return failure.serverMessage.contains("remote URLs")
    }

    /// The URL the node downloads `key` from. A presigned URL is a secret: it is never logged or printed.
    func locationURL(for key: String) throws -> String {
        if let s3 = repository as? S3Repository {
            return try s3.client.presignGET(
                key: s3.prefix.isEmpty ? key : s3.prefix + "/" + key, expires: presignExpiry)
        }
        guard var base = objectBaseURL else {
            throw QSnapError(
                .usage("restore.transport"),
                "--transport url needs an S3 repository (presigned URLs) or --object-base-url with the HTTP URL where "
                    + "the repository directory is served; use --transport upload otherwise")
        }
        while base.hasSuffix("/") { base.removeLast() }
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "/?#")
        let path = key.split(separator: "/", omittingEmptySubsequences: false)
            .map { String($0).addingPercentEncoding(withAllowedCharacters: allowed) ?? String($0) }
            .joined(separator: "/")
        return base + "/" + path
    }
}
