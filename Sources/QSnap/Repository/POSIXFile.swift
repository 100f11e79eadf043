import Foundation

/// The one loop that writes a whole buffer to a file descriptor, for every local write qsnap makes, and the one
/// atomic replacement of a small file.
public enum POSIXFile {
    /// Writes `data` to a hidden temporary file beside `path` (creating the directory), flushes it and renames it over
    /// `path`: a reader sees the old file or the new one, never a part.
    /// - Returns: `nil` on success, else why it failed (callers build their own errors).
    public static func replace(_ data: Data, at path: String) -> String? {
        let directory = (path as NSString).deletingLastPathComponent
        let dir = directory.isEmpty ? "." : directory
        do {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        } catch {
            return "cannot create the directory \(dir): \(error.localizedDescription)"
        }
        let temp = (dir as NSString).appendingPathComponent(".\((path as NSString).lastPathComponent).\(getpid()).tmp")
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return "cannot create \(temp): \(String(cString: strerror(errno)))" }
        let written = data.withUnsafeBytes { buffer -> Bool in writeAll(fd, buffer) && fsync(fd) == 0 }
        close(fd)
        guard written, rename(temp, path) == 0 else {
            let reason = String(cString: strerror(errno))
            unlink(temp)
            return "cannot write \(path): \(reason)"
        }
        return nil
    }

    /// Writes every byte of `bytes` to `fd`, retrying interrupted and short writes.
    /// - Returns: `false` when a write fails; `errno` then says why (callers build their own messages).
    public static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return false }
            offset += n
        }
        return true
    }
}
