import Foundation

/// The one loop that writes a whole buffer to a file descriptor, for every local write qsnap makes.
public enum POSIXFile {
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
