import Foundation
import Logging
import QSnapCore
import Qdrant

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
    /// Recovers `object` into `scope` on `node` with `priority` (default `snapshot`) and the manifest's SHA-256 as
    /// checksum.
    func send(
        _ object: BackupManifest.Object, scope: SnapshotScope, to node: RestoreTarget.Node,
        priority: SnapshotPriority = .snapshot
    ) async throws {
        switch transport {
        case .upload, .auto:
            try await upload(object, scope: scope, to: node, priority: priority)
        case .url:
            guard !(repository is EncryptedRepository) else {
                throw QSnapError(
                    .restoreTransportEncrypted,
                    "an encrypted repository cannot be restored with --transport url: the node would download bytes it cannot decrypt; use --transport upload (the default)"
                )
            }
            let location = try await locationURL(for: object.key)
            do {
                try await node.client.recoverSnapshot(
                    scope, location: location, priority: priority, checksum: object.sha256,
                    wait: true)
            } catch let error as QdrantError where Self.refusesURLRecovery(error) {
                // Qdrant Cloud blocks outbound traffic, and self-hosted nodes may disable URL recovery.
                logger.notice("\(node.url) refuses recovery from a URL: uploading \(object.key) instead")
                try await upload(object, scope: scope, to: node, priority: priority)
            } catch let error as QdrantError
                where fallBackToUpload && error.qdrantFailure != nil && !ProcessStop.isRequested
            {
                // The node answered: it could not fetch or recover from the URL (e.g. no route to the store). The
                // upload inspects the object again as it streams it, so a damaged object is still refused.
                logger.notice(
                    "\(node.url) could not recover \(object.key) from its presigned URL (\(error.message)); uploading it instead"
                )
                try await upload(object, scope: scope, to: node, priority: priority)
            }
        }
    }

    /// Reads `object` from the repository and checks it the way `qsnap verify` does — present with the manifest's
    /// size, a sound Qdrant snapshot at every level (deep inspection) and the manifest's SHA-256 — without sending it.
    /// - Throws: `verificationFailed` (missing, size or checksum mismatch) or `refused` (unsafe or damaged archive).
    /// - Returns: what the inspection found (for a full snapshot: each nested collection file and its SHA-256), and
    ///   the object's SHA-256 (computed where the manifest has none: a server-side copy not yet verified).
    @discardableResult
    func inspect(_ object: BackupManifest.Object) async throws -> (report: SnapshotReport?, sha256: String?) {
        try await BackupVerifier.checkPresent(object, in: repository)
        return try await ObjectInspection.check(object, in: repository) { inspection in
            let report = try await inspection.run()
            return (report, await inspection.sha256)
        }
    }

    /// Streams the object into `…/snapshots/upload` through an ``ObjectInspection``: the node receives the last
    /// bytes only after the whole object passed the deep inspection and its SHA-256 matched the manifest's.
    private func upload(
        _ object: BackupManifest.Object, scope: SnapshotScope, to node: RestoreTarget.Node,
        priority: SnapshotPriority
    ) async throws {
        let backup = subject ?? backupID.map { "backup \($0)" } ?? "the backup"
        do { try await BackupVerifier.checkPresent(object, in: repository) } catch {
            guard let error = QSnapError(mapping: error) else { throw error }
            throw QSnapError(
                error.code, "refusing to restore \(backup): \(error.message); nothing was sent to \(node.url)")
        }
        let passed = try await ObjectInspection.check(object, in: repository) { inspection in
            do {
                try await node.client.uploadSnapshot(
                    scope, fileName: object.snapshotName, length: object.size, checksum: object.sha256,
                    priority: priority, wait: true, next: { try await inspection.next() })
            } catch {
                if let refusal = await inspection.refusal {
                    throw QSnapError(
                        refusal.code,
                        "refusing to restore \(backup): \(refusal.message); the upload to "
                            + "\(node.url) was aborted before the node could recover it")
                }
                throw error
            }
            return await inspection.passed
        }
        guard passed else {
            // Only a node answering before it received the whole body gets here; it cannot have recovered it.
            throw QSnapError(
                .restoreUpload,
                "\(node.url) answered the upload of \(object.key) before receiving all of it")
        }
        // Qdrant keeps an uploaded collection snapshot in its snapshots directory: remove it (best effort), beside
        // what the restore does next.
        if case .collection(let name) = scope {
            await removeUploaded(file: object.snapshotName, of: name, on: node)
        }
    }

    /// Removes (best effort) the copy of an uploaded collection snapshot that Qdrant keeps in its snapshots directory.
    func removeUploaded(file: String, of collection: String, on node: RestoreTarget.Node) async {
        do { try await node.client.deleteSnapshot(.collection(collection), name: file) } catch {
            logger.debug("could not remove the uploaded \(file) on \(node.url): \(error)")
        }
    }

    /// True for a node's refusal to download a snapshot itself (403 "Snapshot recovery from remote URLs is disabled").
    static func refusesURLRecovery(_ error: QdrantError) -> Bool {
        guard let failure = error.qdrantFailure, failure.status == 403 else { return false }
        return failure.serverMessage.contains("remote URLs")
    }

    /// The URL the node downloads `key` from. A presigned URL is a secret: it is never logged or printed.
    func locationURL(for key: String) async throws -> String {
        if let url = try await repository.presignedURL(key: key, expires: presignExpiry) { return url }
        guard var base = objectBaseURL else {
            throw QSnapError(
                .restoreTransport,
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
