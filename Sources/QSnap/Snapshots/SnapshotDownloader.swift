import Foundation
import Logging
import QSnapCore
import Qdrant

/// Downloads one server-side snapshot to a local file (`qsnap snapshot download`).
///
/// The bytes stream into a temporary file beside the destination (`<name>.qsnap-partial-<random>`, the local
/// repository writer) with their SHA-256 computed in the same pass; the size is checked against the listing and the
/// digest against Qdrant's checksum (the listing's `checksum` field, else the node's `.checksum` sidecar). Only then
/// is the file flushed and renamed into place, with a `.checksum` sidecar beside it. Anything wrong removes the
/// temporary file: no partial or unverified file is left under the destination name.
public struct SnapshotDownloader: Sendable {
    let snapshots: ServerSnapshots
    let logger: Logger

    /// Creates a downloader over the deployment's nodes.
    public init(snapshots: ServerSnapshots, logger: Logger) {
        self.snapshots = snapshots
        self.logger = logger
    }

    /// Downloads `name` of `scope`.
    /// - Parameters:
    ///   - node: the REST URL of the node holding it; else the one node listing it.
    ///   - output: an existing directory (the file keeps its name) or a file path in an existing directory.
    /// - Throws: `usage` for an existing destination or a missing directory, or when the snapshot is not found;
    ///   `verificationFailed("snapshot.checksum")` / `("snapshot.size")` / `("qdrant.download-length")` when the bytes
    ///   are not the ones Qdrant listed (no file is left).
    public func download(_ scope: SnapshotScope, name: String, node: String?, output: String) async throws
        -> SnapshotDownloadResult
    {
        let (holder, listed) = try await snapshots.locate(scope, name: name, node: node)
        let destination = try Self.destination(output: output, name: listed.name)
        let client = snapshots.nodes.client(holder)
        var expected = listed.checksum?.lowercased()
        var source: String? = expected == nil ? nil : "listing"
        if expected == nil, let sidecar = await Self.sidecar(client, scope: scope, name: listed.name) {
            (expected, source) = (sidecar, "sidecar")
        }
        if expected == nil {
            logger.warning(
                "\(holder.url) has no checksum for \(listed.name): the download is checked for its size only")
        }

        let directory = (destination as NSString).deletingLastPathComponent
        let fileName = (destination as NSString).lastPathComponent
        let repository = try LocalRepository(root: directory)
        let digest = Digest(.sha256)
        var received: Int64 = 0
        var sha = ""
        do {
            // Nothing is kept under the destination unless the whole download passed the checks below.
            _ = try await repository.write(key: fileName, expectedSize: listed.size) { writer in
                try await client.downloadSnapshot(scope, name: listed.name) { chunk in
                    digest.update(chunk)
                    try await writer.write(chunk)
                    received += Int64(chunk.count)
                }
                sha = digest.hexDigest()
                guard received == listed.size else {
                    throw QSnapError(
                        .snapshotSize,
                        "\(listed.name) from \(holder.url): received \(received) bytes, the node lists \(listed.size); "
                            + "nothing was kept")
                }
                if let expected, expected != sha {
                    throw QSnapError(
                        .snapshotChecksum,
                        "\(listed.name) from \(holder.url): SHA-256 of the download is \(sha), Qdrant's checksum "
                            + "(\(source ?? "")) is \(expected); the download is corrupt and nothing was kept")
                }
            }
        } catch {
            throw ServerSnapshots.annotate(error, node: holder.url)
        }
        var sidecar: String?
        if expected != nil {
            sidecar = destination + ".checksum"
            try await repository.put(key: fileName + ".checksum", bytes: Array(sha.utf8))
        }
        logger.info(
            "\(listed.name) from \(holder.url) → \(destination) (\(ByteCount.format(received)), sha256 \(sha.prefix(12))…)"
        )
        return SnapshotDownloadResult(
            node: holder.url, name: listed.name, path: destination, size: received, sha256: sha,
            checksumSource: source, verified: expected != nil, sidecar: sidecar)
    }

    /// The file to write: `output/name` when `output` is a directory, else `output` itself (its directory must exist).
    /// - Throws: `usage("snapshot.output")` when the file exists or the directory does not.
    static func destination(output: String, name: String) throws -> String {
        guard !output.isEmpty else { throw QSnapError(.snapshotOutput, "give --output FILE or DIR") }
        var isDirectory: ObjCBool = false
        let path: String
        if FileManager.default.fileExists(atPath: output, isDirectory: &isDirectory), isDirectory.boolValue {
            path = (output as NSString).appendingPathComponent(name)
        } else {
            path = output
        }
        let directory = (path as NSString).deletingLastPathComponent
        var parentIsDirectory: ObjCBool = false
        guard
            FileManager.default.fileExists(
                atPath: directory.isEmpty ? "." : directory, isDirectory: &parentIsDirectory),
            parentIsDirectory.boolValue
        else {
            throw QSnapError(.snapshotOutput, "the directory \(directory) of --output does not exist")
        }
        guard !FileManager.default.fileExists(atPath: path) else {
            throw QSnapError(.snapshotOutput, "\(path) exists; remove it or choose another --output")
        }
        return directory.isEmpty ? "./" + path : path
    }

    /// The node's `<name>.checksum` sidecar when it serves one holding a SHA-256; `nil` otherwise.
    static func sidecar(_ client: QdrantClient, scope: SnapshotScope, name: String) async -> String? {
        var bytes: [UInt8] = []
        do {
            try await client.downloadSnapshot(scope, name: name + ".checksum") { chunk in
                guard bytes.count + chunk.count <= 1024 else {
                    throw QSnapError(.snapshotSidecar, "the checksum sidecar is too large")
                }
                bytes += chunk
            }
        } catch {
            return nil
        }
        let text = String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let hex = String(text.prefix { !$0.isWhitespace })
        return Hex.isSHA256(hex) ? hex.lowercased() : nil
    }
}
