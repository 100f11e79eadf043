import Foundation
import QSnapCore

/// A repository in a local directory. Objects are written to `<key>.qsnap-partial-<random>` beside their final
/// name, flushed with `fsync`, then renamed into place; the ETag is the MD5 of the content, as S3 reports it.
public struct LocalRepository: Repository {
    /// Suffix marker of unfinished writes.
    public static let partialMarker = ".qsnap-partial-"

    /// The root directory.
    public let root: String

    /// Opens (and creates) the directory.
    public init(root: String) throws {
        var path = root
        if path.hasPrefix("file://") { path = String(path.dropFirst("file://".count)) }
        while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
        guard !path.isEmpty else {
            throw QSnapError(.repoPath, "the repository path is empty; give a directory such as ./backups")
        }
        self.root = path
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw QSnapError(
                .repoCreate, "cannot create the repository directory \(path): \(error.localizedDescription)"
            )
        }
    }

    public var displayURL: String { root }

    /// The file path of `key` (refusing keys that are not plain relative paths).
    public func path(_ key: String) throws -> String { try Self.path(of: key, root: root) }

    /// The file path of `key` below the repository directory `root` (refusing keys that are not plain relative
    /// paths).
    public static func path(of key: String, root: String) throws -> String {
        let parts = key.split(separator: "/", omittingEmptySubsequences: false)
        guard !key.isEmpty, !key.hasPrefix("/"), !parts.contains(".."), !parts.contains("."), !key.contains("\0") else {
            throw QSnapError(
                .repoKey, "refusing repository key \(key.prefix(200)): not a plain relative path")
        }
        return root + "/" + key
    }

    public var localRoot: String? { root }

    public func write(
        key: String, expectedSize: Int64?, _ produce: (any RepositoryObjectWriter) async throws -> Void
    ) async throws -> RepositoryObject {
        let writer = try LocalObjectWriter(finalPath: path(key), key: key)
        do {
            try await produce(writer)
            return try writer.finish()
        } catch {
            writer.abort()
            throw error
        }
    }

    public func put(key: String, bytes: [UInt8]) async throws {
        _ = try await write(key: key, expectedSize: Int64(bytes.count)) { try await $0.write(bytes) }
    }

    @discardableResult
    public func get(key: String, onBody: ([UInt8]) async throws -> Void) async throws -> Int64 {
        let p = try path(key)
        let fd = open(p, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw QSnapError(
                .repoMissingObject, "\(p) cannot be read: \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var total: Int64 = 0
        while true {
            try Task.checkCancellation()
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else {
                throw QSnapError(.repoRead, "reading \(p) failed: \(String(cString: strerror(errno)))")
            }
            if n == 0 { return total }
            total += Int64(n)
            try await onBody(n == buffer.count ? buffer : Array(buffer[0..<n]))
        }
    }

    public func head(key: String) throws -> RepositoryObject? {
        let p = try path(key)
        var st = stat()
        guard stat(p, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
        return RepositoryObject(key: key, size: Int64(st.st_size), etag: "")
    }

    public func list(prefix: String) throws -> [RepositoryObject] {
        var result: [RepositoryObject] = []
        for rel in paths(below: prefix) where !rel.contains(Self.partialMarker) {
            var st = stat()
            if stat(root + "/" + rel, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG {
                result.append(RepositoryObject(key: rel, size: Int64(st.st_size), etag: ""))
            }
        }
        return result.sorted { $0.key < $1.key }
    }

    /// Every path (relative to the root) starting with `prefix`. The walk starts at the prefix's directory, so
    /// listing one backup does not visit every other backup.
    private func paths(below prefix: String) -> [String] {
        let directory = prefix.contains("/") ? String(prefix[..<prefix.lastIndex(of: "/")!]) : ""
        let start = directory.isEmpty ? root : root + "/" + directory
        guard let walker = FileManager.default.enumerator(atPath: start) else { return [] }
        var found: [String] = []
        while let sub = walker.nextObject() as? String {
            let rel = directory.isEmpty ? sub : directory + "/" + sub
            if rel.hasPrefix(prefix) { found.append(rel) }
        }
        return found
    }

    public func delete(keys: [String]) throws {
        for key in keys {
            let p = try path(key)
            if unlink(p) != 0 && errno != ENOENT {
                throw QSnapError(.repoDelete, "cannot delete \(p): \(String(cString: strerror(errno)))")
            }
            removeEmptyParents(of: key)
        }
    }

    private func removeEmptyParents(of key: String) {
        var parts = key.split(separator: "/").dropLast()
        while !parts.isEmpty {
            if rmdir(root + "/" + parts.joined(separator: "/")) != 0 { return }
            parts = parts.dropLast()
        }
    }

    public func incompleteUploads(prefix: String) throws -> [String] {
        paths(below: prefix).filter { $0.contains(Self.partialMarker) }.sorted()
    }

    @discardableResult
    public func abortIncompleteUploads(prefix: String) throws -> Int {
        let found = try incompleteUploads(prefix: prefix)
        for rel in found { unlink(root + "/" + rel) }
        return found.count
    }
}

/// Writes one local object through a temporary file (``LocalRepository/write(key:expectedSize:_:)``).
final class LocalObjectWriter: RepositoryObjectWriter {
    private let finalPath: String
    private let tempPath: String
    private let key: String
    private var fd: Int32
    private var size: Int64 = 0
    private let md5 = Digest(.md5)

    init(finalPath: String, key: String) throws {
        self.finalPath = finalPath
        self.key = key
        let directory = (finalPath as NSString).deletingLastPathComponent
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        tempPath =
            finalPath + LocalRepository.partialMarker + Hex.encode((0..<4).map { _ in UInt8.random(in: 0...255) })
        fd = open(tempPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw QSnapError(.repoWrite, "cannot create \(tempPath): \(String(cString: strerror(errno)))")
        }
    }

    deinit { if fd >= 0 { abort() } }

    func write(_ bytes: [UInt8]) async throws { try bytes.withUnsafeBytes { try write($0) } }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        guard fd >= 0 else { throw QSnapError(.repoWrite, "write after finish or abort of \(key)") }
        guard POSIXFile.writeAll(fd, bytes) else {
            throw QSnapError(
                .repoWrite,
                "writing \(tempPath) failed: \(String(cString: strerror(errno))); is the disk full?")
        }
        md5.update(bytes)
        size += Int64(bytes.count)
    }

    func finish() throws -> RepositoryObject {
        guard fd >= 0 else { throw QSnapError(.repoWrite, "finish after abort of \(key)") }
        guard fsync(fd) == 0 else {
            let reason = String(cString: strerror(errno))
            abort()
            throw QSnapError(.repoWrite, "flushing \(tempPath) failed: \(reason)")
        }
        close(fd)
        fd = -1
        guard rename(tempPath, finalPath) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(tempPath)
            throw QSnapError(.repoWrite, "cannot rename \(tempPath) into place: \(reason)")
        }
        let dir = open((finalPath as NSString).deletingLastPathComponent, O_RDONLY | O_DIRECTORY)
        if dir >= 0 { fsync(dir); close(dir) }
        return RepositoryObject(key: key, size: size, etag: md5.hexDigest())
    }

    func abort() {
        if fd >= 0 {
            close(fd)
            fd = -1
        }
        unlink(tempPath)
    }
}
