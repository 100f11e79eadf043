internal import CArchive
import Foundation
import QSnapCore

/// The raw byte source behind an ``ArchiveReader``: a file descriptor, a parent reader's current entry or an
/// ``ArchiveFeed`` (whose chunks are handed to libarchive without a copy).
/// Hashes what it reads, remembers the last 1 KiB (to check the end-of-archive marker) and seeks when allowed.
final class RawInput {
    static let bufferSize = 256 * 1024

    let fd: Int32
    let ownsFD: Bool
    let parent: ArchiveReader?
    let feed: ArchiveFeed?
    let digest: Digest?
    let canSeek: Bool
    let buffer: UnsafeMutableRawPointer
    /// Where the bytes of the last ``pull()`` are: ``buffer``, or the current feed chunk.
    private(set) var window: UnsafeRawPointer
    /// The feed chunk ``window`` points into, kept alive until the next pull.
    private var held: ArchiveChunk?
    private(set) var rawBytes: Int64 = 0
    /// Bytes skipped with seeks instead of being read.
    private(set) var seekedBytes: Int64 = 0
    private var tail = [UInt8](repeating: 0xff, count: 1024)
    private var tailFill = 0
    var pendingError: (any Error)?
    private var closed = false
    private var atEOF = false

    init(fd: Int32, ownsFD: Bool, parent: ArchiveReader?, feed: ArchiveFeed? = nil, hashing: Bool, allowSeek: Bool) {
        self.fd = fd
        self.ownsFD = ownsFD
        self.parent = parent
        self.feed = feed
        self.digest = hashing ? Digest(.sha256) : nil
        var seekable = false
        if allowSeek, !hashing, fd >= 0 {
            var st = stat()
            seekable = fstat(fd, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG
        }
        self.canSeek = seekable
        self.buffer = UnsafeMutableRawPointer.allocate(byteCount: Self.bufferSize, alignment: 16)
        self.window = UnsafeRawPointer(buffer)
    }

    deinit { buffer.deallocate() }

    var opaque: UnsafeMutableRawPointer { Unmanaged.passUnretained(self).toOpaque() }

    static func from(_ pointer: UnsafeMutableRawPointer?) -> RawInput {
        Unmanaged<RawInput>.fromOpaque(pointer!).takeUnretainedValue()
    }

    func close() {
        guard !closed else { return }
        closed = true
        held = nil
        feed?.close()
        if ownsFD, fd >= 0 { _ = Foundation.close(fd) }
    }

    /// Pulls the next raw bytes (at ``window``); 0 at end of input.
    func pull() throws -> Int {
        if atEOF { return 0 }
        let n: Int
        if let feed {
            // `window` points into the chunk's storage: `held` keeps the chunk alive until libarchive asks for the next
            // block (it reads the previous one only until then), and the window never outlives it.
            held = nil
            window = UnsafeRawPointer(buffer)
            if let chunk = try feed.next() {
                held = chunk
                window = chunk.bytes.baseAddress ?? UnsafeRawPointer(buffer)
                n = chunk.count
            } else {
                n = 0
            }
        } else if let parent {
            n = try parent.read(into: UnsafeMutableRawBufferPointer(start: buffer, count: Self.bufferSize))
        } else {
            var r: Int
            repeat { r = Foundation.read(fd, buffer, Self.bufferSize) } while r < 0 && errno == EINTR
            if r < 0 {
                throw ArchiveError(.read, "read failed: \(String(cString: strerror(errno)))")
            }
            n = r
        }
        if n == 0 { atEOF = true; return 0 }
        if feed == nil { window = UnsafeRawPointer(buffer) }
        rawBytes += Int64(n)
        digest?.update(UnsafeRawBufferPointer(start: window, count: n))
        remember(UnsafeRawBufferPointer(start: window, count: n))
        return n
    }

    /// Seeks forward over `request` bytes; returns how many were skipped (fewer at end of file).
    func skip(_ request: Int64) -> Int64 {
        guard canSeek, request > 0 else { return 0 }
        let current = lseek(fd, 0, SEEK_CUR)
        let end = lseek(fd, 0, SEEK_END)
        guard current >= 0, end >= 0 else { return 0 }
        let amount = min(request, Int64(end - current))
        _ = lseek(fd, off_t(current + off_t(amount)), SEEK_SET)
        rawBytes += amount
        seekedBytes += amount
        tailFill = 0  // a gap: the tail no longer describes contiguous bytes
        return amount
    }

    /// Reads the remaining input to its end.
    func drain() throws {
        while try pull() > 0 {}
    }

    /// True when the last 1024 raw bytes seen are all zero (the tar end-of-archive marker).
    var tailIsZero: Bool {
        tailFill >= 1024 && tail.allSatisfy { $0 == 0 }
    }

    private func remember(_ bytes: UnsafeRawBufferPointer) {
        if bytes.count >= 1024 {
            tail = Array(bytes[(bytes.count - 1024)...])
        } else {
            tail.removeFirst(bytes.count)
            tail.append(contentsOf: bytes)
        }
        tailFill = min(1024, tailFill + bytes.count)
    }
}

/// libarchive read callback: hands out the next buffer of raw bytes.
let rawReadCallback:
    @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?, UnsafeMutablePointer<UnsafeRawPointer?>?) -> Int = {
        archive, context, out in
        let input = RawInput.from(context)
        do {
            let n = try input.pull()
            out?.pointee = input.window
            return n
        } catch {
            input.pendingError = error
            if let archive { carchive_set_error_string(archive, -1, QSnapError.message(of: error)) }
            return -1
        }
    }

/// libarchive skip callback: seeks over entry data instead of reading it.
let rawSkipCallback: @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?, Int64) -> Int64 = {
    _, context, request in
    RawInput.from(context).skip(request)
}
