import Foundation
import Logging
import Qdrant
import QSnapCore
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

    /// Recovers `object` into `scope` on `node` with priority `snapshot` and the manifest's SHA-256 as checksum.
    func send(_ object: BackupManifest.Object, scope: SnapshotScope, to node: RestoreTarget.Node) throws {
        switch transport {
        case .upload:
            try upload(object, scope: scope, to: node)
        case .url:
            let location = try locationURL(for: object.key)
            try node.client.recoverSnapshot(scope, location: location, priority: .snapshot, checksum: object.sha256,
                                            wait: true)
        }
    }

    private func upload(_ object: BackupManifest.Object, scope: SnapshotScope, to node: RestoreTarget.Node) throws {
        if let local = repository as? LocalRepository {
            let path = try local.path(object.key)
            let fd = open(path, O_RDONLY)
            guard fd >= 0 else {
                throw QSnapError(.failure("restore.object-missing"),
                                 "cannot open \(path) of the backup: \(String(cString: strerror(errno))). Run qsnap verify.")
            }
            defer { close(fd) }
            try node.client.uploadSnapshot(
                scope, fileName: object.snapshotName, length: object.size, checksum: object.sha256, priority: .snapshot,
                wait: true
            ) { buffer in
                while true {
                    let n = read(fd, buffer.baseAddress, buffer.count)
                    if n >= 0 { return n }
                    if errno == EINTR { continue }
                    throw QSnapError(.failure("restore.read"), "reading \(path) failed: \(String(cString: strerror(errno)))")
                }
            }
        } else {
            let pipe = ByteStreamPipe()
            let repository = self.repository
            let key = object.key
            let producer = Thread {
                do {
                    try repository.get(key: key) { chunk in try pipe.write(chunk) }
                    pipe.finish(nil)
                } catch {
                    pipe.finish(error)
                }
            }
            producer.name = "qsnap-restore-read"
            producer.start()
            defer { pipe.cancel() }
            try node.client.uploadSnapshot(
                scope, fileName: object.snapshotName, length: object.size, checksum: object.sha256, priority: .snapshot,
                wait: true, read: { buffer in try pipe.read(into: buffer) })
        }
        // Qdrant keeps an uploaded collection snapshot in its snapshots directory: remove it (best effort).
        if case .collection(let name) = scope {
            do { try node.client.deleteSnapshot(.collection(name), name: object.snapshotName) } catch {
                logger.debug("could not remove the uploaded \(object.snapshotName) on \(node.url): \(error)")
            }
        }
    }

    /// The URL the node downloads `key` from. A presigned URL is a secret: it is never logged or printed.
    func locationURL(for key: String) throws -> String {
        if let s3 = repository as? S3Repository {
            return try s3.client.presignGET(key: s3.prefix.isEmpty ? key : s3.prefix + "/" + key, expires: presignExpiry)
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
