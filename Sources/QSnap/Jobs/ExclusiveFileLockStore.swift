import Foundation
import QSnapCore

/// The repository lock in a local directory, created atomically with `link(2)`: the lock is written completely
/// to a temporary file, then hard-linked to `locks/repository.json`, which fails with `EEXIST` when a lock
/// exists — a true create-if-absent, also across processes on one NFS-less file system.
///
/// Replacing a lock (breaking a stale one) first renames the current lock file to a private claim
/// name — `rename(2)` is atomic, so of two breakers only one gets the file — then compares the claimed bytes
/// with the expected ones and links the replacement into place only when they match.
public struct ExclusiveFileLockStore: LockObjectStore {
    /// The repository root directory.
    public let root: String

    /// Creates the store for the repository at `root`.
    public init(root: String) {
        self.root = root
    }

    private var path: String { root + "/" + Self.key }
    private var directory: String { (path as NSString).deletingLastPathComponent }

    /// The lock file's path.
    public var location: String { path }

    public var mechanism: String { "exclusive-create" }

    /// The lock file's bytes, or `nil` when there is none.
    public func read() throws -> Data? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            if !FileManager.default.fileExists(atPath: path) { return nil }
            throw QSnapError(.lockRead, "cannot read the lock file \(path)")
        }
        return data
    }

    /// Writes `data` to a temporary file and hard-links it to the lock path; `false` when a lock exists.
    public func create(_ data: Data) throws -> Bool {
        let temp = try writeTemporary(data)
        defer { unlink(temp) }
        if link(temp, path) == 0 {
            syncDirectory()
            return true
        }
        if errno == EEXIST { return false }
        throw QSnapError(
            .lockWrite, "cannot create the lock file \(path): \(String(cString: strerror(errno)))")
    }

    /// Claims the lock file by renaming it, compares it with `expected`, and links `new` into place on a match.
    public func replace(expected: Data, with new: Data) throws -> Bool {
        guard let claimed = try claim() else { return false }
        defer { unlink(claimed) }
        guard FileManager.default.contents(atPath: claimed) == expected else {
            // Not the lock we meant to replace: put it back unless someone created a new one meanwhile.
            _ = link(claimed, path)
            return false
        }
        return try create(new)
    }

    /// Renewal overwrites the lock with `rename(2)` (atomic, never absent) after checking it is still `expected`.
    /// Only a stale lock can be taken by another run, and a holder renews long before its lock turns stale.
    public func renew(expected: Data, with new: Data) throws -> Bool {
        guard try read() == expected else { return false }
        let temp = try writeTemporary(new)
        guard rename(temp, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temp)
            throw QSnapError(.lockWrite, "cannot renew the lock file \(path): \(reason)")
        }
        syncDirectory()
        return try read() == new
    }

    /// Claims the lock file by renaming it and removes it when it is `expected`; puts it back otherwise.
    @discardableResult
    public func delete(expected: Data) throws -> Bool {
        guard let claimed = try claim() else { return false }
        defer { unlink(claimed) }
        guard FileManager.default.contents(atPath: claimed) == expected else {
            _ = link(claimed, path)
            return false
        }
        syncDirectory()
        return true
    }

    /// Renames the lock file to a private name; `nil` when there was none.
    private func claim() throws -> String? {
        let claimed = path + ".claim-" + UUID().uuidString
        if rename(path, claimed) == 0 { return claimed }
        if errno == ENOENT { return nil }
        throw QSnapError(
            .lockWrite, "cannot claim the lock file \(path): \(String(cString: strerror(errno)))")
    }

    private func writeTemporary(_ data: Data) throws -> String {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw QSnapError(.lockWrite, "cannot create \(directory): \(error.localizedDescription)")
        }
        let temp = path + ".new-" + UUID().uuidString
        let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw QSnapError(.lockWrite, "cannot create \(temp): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        let ok = data.withUnsafeBytes { buffer -> Bool in
            POSIXFile.writeAll(fd, buffer) && fsync(fd) == 0
        }
        guard ok else {
            let reason = String(cString: strerror(errno))
            unlink(temp)
            throw QSnapError(.lockWrite, "cannot write \(temp): \(reason)")
        }
        return temp
    }

    private func syncDirectory() {
        let fd = open(directory, O_RDONLY | O_DIRECTORY)
        if fd >= 0 {
            fsync(fd)
            close(fd)
        }
    }
}
