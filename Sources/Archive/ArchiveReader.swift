internal import CArchive
import Foundation
import QSnapCore

/// Reads a tar archive (plain or compressed with any filter libarchive knows) entry by entry, without extracting.
///
/// The reader pulls raw bytes itself — from a file, standard input, or the current entry of another
/// ``ArchiveReader`` (nested tars are streamed, never written to disk) — so it can hash the raw input in the
/// same pass, seek over entry data it does not need, and check that the archive ends with the end-of-archive
/// marker. Not `Sendable`: one reader belongs to one thread.
public final class ArchiveReader {
    /// Where raw bytes come from.
    public enum Source {
        /// A file path.
        case path(String)
        /// An open file descriptor (not closed by the reader).
        case fileDescriptor(Int32)
        /// The data of the current entry of another reader.
        case nested(ArchiveReader)
        /// Chunks pushed by a producer on another thread (closed when the reader is freed, so the producer stops).
        case feed(ArchiveFeed)
    }

    private let handle: OpaquePointer
    private let input: RawInput
    private var finished = false
    private let expansionLimit: ExpansionLimit
    private var compressed = false
    /// An entry header was returned and its data may be partly unread.
    private var inEntry = false
    /// A label used in error messages (the file name, or `outer!entry` for nested archives).
    public let label: String

    /// Opens an archive.
    /// - Parameters:
    ///   - source: where the bytes come from.
    ///   - label: how to name this archive in errors.
    ///   - hashing: compute the SHA-256 of the raw input bytes (disables seeking).
    ///   - allowSeek: skip over unread entry data with `lseek` when the input is a seekable file.
    ///   - expansionLimit: how far compressed input may expand (see ``ExpansionLimit``).
    /// - Throws: ``ArchiveError`` when the file cannot be opened or the input is not a tar archive.
    public init(
        _ source: Source, label: String, hashing: Bool = false, allowSeek: Bool = true,
        expansionLimit: ExpansionLimit = .default
    ) throws {
        ArchiveLocale.ensureUTF8()
        self.label = label
        self.expansionLimit = expansionLimit
        switch source {
        case .path(let path):
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else {
                let reason = String(cString: strerror(errno))
                throw ArchiveError(.open, "cannot open \(path): \(reason); check the path")
            }
            input = RawInput(fd: fd, ownsFD: true, parent: nil, hashing: hashing, allowSeek: allowSeek)
        case .fileDescriptor(let fd):
            input = RawInput(fd: fd, ownsFD: false, parent: nil, hashing: hashing, allowSeek: allowSeek)
        case .nested(let parent):
            input = RawInput(fd: -1, ownsFD: false, parent: parent, hashing: hashing, allowSeek: false)
        case .feed(let feed):
            input = RawInput(fd: -1, ownsFD: false, parent: nil, feed: feed, hashing: hashing, allowSeek: false)
        }
        guard let a = archive_read_new() else { fatalError("libarchive: archive_read_new failed (out of memory)") }
        handle = a
        archive_read_support_filter_all(a)
        archive_read_support_format_tar(a)
        archive_read_support_format_gnutar(a)
        archive_read_set_callback_data(a, input.opaque)
        archive_read_set_read_callback(a, rawReadCallback)
        if input.canSeek { archive_read_set_skip_callback(a, rawSkipCallback) }
        let status = archive_read_open1(a)
        if status != ARCHIVE_OK {
            let message = currentError()
            // deinit frees the handle and closes the input (every stored property is set by now).
            throw input.pendingError
                ?? ArchiveError(
                    .notTar,
                    "\(label) is not a readable tar archive (\(message)); Qdrant snapshots are plain tar, optionally gzip or zstd compressed"
                )
        }
        compressed = !filters.isEmpty
    }

    deinit {
        archive_read_free(handle)
        input.close()
    }

    /// The next entry header, or `nil` at the end of the archive.
    /// - Throws: ``ArchiveError`` `.corrupt` for truncated or corrupt archives.
    public func nextEntry() throws -> ArchiveEntry? {
        guard !finished else { return nil }
        // libarchive would skip the rest of the current entry inside one call, unpacking without bound.
        if compressed, inEntry { try drainEntryData() }
        inEntry = false
        var entryPointer: OpaquePointer?
        let status = withExtendedLifetime(input) { archive_read_next_header(handle, &entryPointer) }
        if status == ARCHIVE_EOF {
            finished = true
            return nil
        }
        guard status == ARCHIVE_OK || status == ARCHIVE_WARN, let e = entryPointer else {
            throw input.pendingError
                ?? ArchiveError(.corrupt, "\(label): corrupt or truncated archive: \(currentError())")
        }
        inEntry = true
        return Self.describe(e)
    }

    /// Reads data of the current entry; returns 0 at its end.
    /// - Throws: ``ArchiveError`` `.corrupt` when the data is truncated.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        guard let base = buffer.baseAddress, buffer.count > 0 else { return 0 }
        let n = withExtendedLifetime(input) { archive_read_data(handle, base, buffer.count) }
        if n < 0 {
            throw input.pendingError
                ?? ArchiveError(
                    .corrupt, "\(label): truncated or corrupt entry data: \(currentError())")
        }
        if compressed { try checkExpansion() }
        return n
    }

    /// Reads the whole current entry, refusing entries larger than `limit` bytes.
    public func readAll(limit: Int, entryName: String) throws -> [UInt8] {
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let n = try chunk.withUnsafeMutableBytes { try read(into: $0) }
            if n == 0 { break }
            out.append(contentsOf: chunk[0..<n])
            if out.count > limit {
                throw ArchiveError(
                    .oversized,
                    "\(label): entry \(entryName) is larger than \(limit) bytes, which no Qdrant metadata file is")
            }
        }
        return out
    }

    /// Reads and discards the rest of the current entry (the next ``nextEntry()`` would also do this, seeking when it can).
    public func skipData() throws {
        if compressed {
            if inEntry { try drainEntryData() }
            return
        }
        let status = withExtendedLifetime(input) { archive_read_data_skip(handle) }
        if status != ARCHIVE_OK && status != ARCHIVE_WARN {
            throw input.pendingError
                ?? ArchiveError(.corrupt, "\(label): truncated archive: \(currentError())")
        }
    }

    /// Reads the remaining raw input to its end (so that the checksum covers the whole file) and reports whether the
    /// stream ended with the tar end-of-archive marker (two 512-byte zero blocks). Call after ``nextEntry()`` returned nil.
    public func finish() throws -> Bool {
        try input.drain()
        return input.tailIsZero
    }

    /// The names of the compression filters in use, outermost first (e.g. `["gzip"]`); empty for a plain tar.
    public var filters: [String] {
        var names: [String] = []
        let count = archive_filter_count(handle)
        for i in 0..<count {
            if let cName = archive_filter_name(handle, i) {
                let name = String(cString: cName)
                if name != "none" { names.append(name) }
            }
        }
        return names
    }

    /// libarchive's name of the archive format (e.g. `GNU tar format`).
    public var formatName: String {
        archive_format_name(handle).map { String(cString: $0) } ?? "unknown"
    }

    /// Raw bytes pulled from the source so far.
    public var rawBytesRead: Int64 { input.rawBytes }

    /// Bytes unpacked from the raw input so far (equal to the raw bytes for plain tar).
    public var unpackedBytes: Int64 { archive_filter_bytes(handle, 0) }

    /// Raw bytes skipped with seeks (never read) so far.
    public var rawBytesSkipped: Int64 { input.seekedBytes }

    /// The SHA-256 of the raw input (only when opened with `hashing: true`, after ``finish()``).
    public var sha256: String? { input.digest?.hexDigest() }

    /// Reads and discards the rest of the current entry block by block (holes of sparse entries are not unpacked),
    /// checking the expansion limit after each block.
    private func drainEntryData() throws {
        var block: UnsafeRawPointer?
        var size = 0
        var offset: Int64 = 0
        while true {
            let status = withExtendedLifetime(input) { archive_read_data_block(handle, &block, &size, &offset) }
            if status == ARCHIVE_EOF {
                inEntry = false
                return
            }
            if status != ARCHIVE_OK && status != ARCHIVE_WARN {
                throw input.pendingError
                    ?? ArchiveError(
                        .corrupt, "\(label): truncated or corrupt entry data: \(currentError())")
            }
            try checkExpansion()
        }
    }

    /// Refuses a compressed stream that unpacks beyond ``ExpansionLimit``.
    private func checkExpansion() throws {
        let unpacked = unpackedBytes
        let packed = archive_filter_bytes(handle, -1)
        guard expansionLimit.isExceeded(unpacked: unpacked, packed: packed) else { return }
        throw ArchiveError(
            .expansion,
            "\(label): the compressed archive unpacks to more than \(unpacked) bytes from \(packed) "
                + "(over \(expansionLimit.ratio)× its size): a decompression bomb, not a Qdrant snapshot. Refusing it; nothing was written."
        )
    }

    private func currentError() -> String {
        archive_error_string(handle).map { String(cString: $0) } ?? "unknown libarchive error"
    }

    private static func describe(_ e: OpaquePointer) -> ArchiveEntry {
        var rawPath: [UInt8] = []
        if let raw = archive_entry_pathname(e) {
            rawPath = Array(
                UnsafeBufferPointer(
                    start: UnsafeRawPointer(raw).assumingMemoryBound(to: UInt8.self), count: strlen(raw)))
        }
        let path = String(validating: rawPath, as: UTF8.self)
        let type = UInt32(archive_entry_filetype(e))
        var kind: ArchiveEntry.Kind
        switch type {
        case CARCHIVE_AE_IFREG: kind = .regular
        case CARCHIVE_AE_IFDIR: kind = .directory
        case CARCHIVE_AE_IFLNK: kind = .symlink
        case CARCHIVE_AE_IFCHR: kind = .characterDevice
        case CARCHIVE_AE_IFBLK: kind = .blockDevice
        case CARCHIVE_AE_IFIFO: kind = .fifo
        case CARCHIVE_AE_IFSOCK: kind = .socket
        default: kind = .unknown
        }
        var linkTarget: String?
        if let hard = archive_entry_hardlink(e) {
            kind = .hardlink
            linkTarget = String(cString: hard)
        } else if let sym = archive_entry_symlink(e) {
            linkTarget = String(cString: sym)
        }
        let size = archive_entry_size_is_set(e) != 0 ? Int64(archive_entry_size(e)) : 0
        return ArchiveEntry(
            path: path, rawPath: rawPath, kind: kind, size: size, linkTarget: linkTarget,
            isSparse: archive_entry_sparse_count(e) > 0)
    }
}

/// libarchive converts names through the C locale; it must be UTF-8 for UTF-8 names.
enum ArchiveLocale {
    private static let once: Bool = {
        if let current = setlocale(LC_CTYPE, nil), String(cString: current).uppercased().contains("UTF") { return true }
        setlocale(LC_CTYPE, "C.UTF-8")
        return true
    }()

    static func ensureUTF8() { _ = once }
}
