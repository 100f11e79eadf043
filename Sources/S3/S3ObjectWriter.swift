import Foundation
import HTTP
import QSnapCore

/// Streams an object of unknown or known size into S3 with bounded memory.
///
/// Bytes pushed with ``write(_:)`` fill one part buffer at a time; full parts are hashed and uploaded by up to
/// `concurrency` worker threads while the producer keeps filling. Memory is at most `max(2, concurrency) × partSize`.
/// An object that fits in one part is sent with a single PutObject. With ``Options/resumeUploadID`` the writer
/// continues an interrupted multipart upload: parts already stored with the same size and checksum (or MD5 ETag)
/// are not sent again.
///
/// Not thread-safe: one producer thread calls `write`, then `finish` or `abort`. After an error the multipart upload
/// is kept (so it can be resumed); call ``abort()`` to discard it.
public final class S3ObjectWriter {
    /// Tuning and resume settings.
    public struct Options: Sendable {
        /// The configured part size (grown to fit 10 000 parts when ``expectedSize`` is known).
        public var partSize: Int64
        /// Parts uploaded in parallel.
        public var concurrency: Int
        /// The total size if known (sizes parts for huge objects).
        public var expectedSize: Int64?
        /// Continue this multipart upload (see ``S3Client/listMultipartUploads(prefix:)``).
        public var resumeUploadID: String?
        /// The object's `Content-Type`.
        public var contentType: String?

        /// Creates options.
        public init(
            partSize: Int64 = S3PartSizing.defaultPartSize, concurrency: Int = 4, expectedSize: Int64? = nil,
            resumeUploadID: String? = nil, contentType: String? = nil
        ) {
            self.partSize = partSize
            self.concurrency = concurrency
            self.expectedSize = expectedSize
            self.resumeUploadID = resumeUploadID
            self.contentType = contentType
        }
    }

    /// One part's bytes: allocated memory (reused through the free list) or a read-only file mapping.
    final class PartBuffer: @unchecked Sendable {
        let memory: UnsafeMutableRawBufferPointer
        var filled = 0
        let isMapping: Bool
        init(capacity: Int) {
            memory = .allocate(byteCount: capacity, alignment: 64)
            isMapping = false
        }
        init(mapping: UnsafeMutableRawPointer, length: Int) {
            memory = UnsafeMutableRawBufferPointer(start: mapping, count: length)
            filled = length
            isMapping = true
        }
        deinit {
            if isMapping { munmap(memory.baseAddress, memory.count) } else { memory.deallocate() }
        }
    }

    struct Job: @unchecked Sendable {
        var partNumber: Int
        /// The part's bytes in memory (allocated or mapped), or
        var buffer: PartBuffer?
        /// a byte range of a file, read when hashing and again when sending (for parts too big to map).
        var fileRange: (path: String, offset: Int64, length: Int64)?
    }

    /// State shared with the worker threads, guarded by `condition`.
    final class Shared: @unchecked Sendable {
        let condition = NSCondition()
        var queue: [Job] = []
        var free: [PartBuffer] = []
        var allocated = 0
        var results: [Int: S3Part] = [:]
        var reused = 0
        var error: (any Error)?
        var closed = false
        var running = 0
        var inProgress = 0
        var mapped = 0
    }

    private let client: S3Client
    /// The object key.
    public let key: String
    private let options: Options
    /// The part size in use.
    public private(set) var partSize: Int64
    /// The multipart upload id once one was started (or resumed).
    public private(set) var uploadID: String?
    /// The part checksum: the configuration's for a new upload, the stored parts' for a resumed one.
    public private(set) var checksum: S3ChecksumAlgorithm?
    private var existingParts: [Int: S3Part] = [:]
    private let shared = Shared()
    private var current: PartBuffer?
    private var partNumber = 0
    private var total: Int64 = 0
    private var finished = false

    /// Creates a writer; with a resume id, lists the stored parts first (and adopts their part size).
    /// - Throws: S3 errors from ListParts, or a usage error for a bad part size.
    public init(client: S3Client, key: String, options: Options = Options()) throws {
        guard options.partSize >= 1 << 20 else {
            throw QSnapError(
                .usage("s3.part-size"),
                "the part size must be at least 1 MiB (S3 needs 5 MiB for all but the last part)")
        }
        self.client = client
        self.key = key
        self.options = options
        self.partSize = S3PartSizing.partSize(configured: options.partSize, expectedSize: options.expectedSize)
        self.checksum = client.configuration.checksumAlgorithm
        if let id = options.resumeUploadID {
            let parts = try client.listParts(key: key, uploadID: id)
            // Parts of one upload must carry the checksum it declared, whatever the configuration says now.
            if let declared = parts.lazy.compactMap(\.checksumAlgorithm).first { checksum = declared }
            existingParts = Dictionary(parts.map { ($0.partNumber, $0) }, uniquingKeysWith: { a, _ in a })
            if let first = existingParts[1], first.size > 0, parts.count > 1 { partSize = first.size }
            uploadID = id
            startWorkers()
            client.logger.debug("resuming upload of \(client.displayName(key)): \(parts.count) part(s) already stored")
        }
    }

    deinit {
        if !finished { closeAndJoin() }
    }

    /// Bytes accepted so far.
    public var bytesWritten: Int64 { total }
    /// Parts that a resumed upload did not need to send again.
    public var reusedParts: Int { shared.condition.lock(); defer { shared.condition.unlock() }; return shared.reused }

    // MARK: - Producer

    /// Appends bytes to the object. Blocks while all part buffers are in flight.
    /// - Throws: the first upload error of any part.
    public func write(_ bytes: UnsafeRawBufferPointer) throws {
        precondition(!finished, "S3ObjectWriter used after finish or abort")
        var offset = 0
        while offset < bytes.count {
            let buffer = try currentBuffer()
            let n = min(buffer.memory.count - buffer.filled, bytes.count - offset)
            (buffer.memory.baseAddress! + buffer.filled).copyMemory(from: bytes.baseAddress! + offset, byteCount: n)
            buffer.filled += n
            offset += n
            total += Int64(n)
        }
    }

    /// Reads `fd` to its end straight into part buffers (no intermediate copy). - Returns: bytes read.
    @discardableResult
    public func write(fromFileDescriptor fd: Int32) throws -> Int64 {
        precondition(!finished, "S3ObjectWriter used after finish or abort")
        var count: Int64 = 0
        while true {
            let buffer = try currentBuffer()
            let got = read(fd, buffer.memory.baseAddress! + buffer.filled, buffer.memory.count - buffer.filled)
            if got < 0 && errno == EINTR { continue }
            if got < 0 {
                throw QSnapError(
                    .failure("s3.read"), "reading the data to upload failed: \(String(cString: strerror(errno)))")
            }
            if got == 0 { return count }
            buffer.filled += got
            count += Int64(got)
            total += Int64(got)
        }
    }

    /// The most bytes ``write(filePath:)`` keeps mapped (`concurrency × partSize`); with bigger parts (objects over
    /// ~78 GiB at 8 MiB parts, or a larger part size or concurrency) each part is read from the file twice instead
    /// (hash, then send), so memory stays bounded whatever the size, for slightly more CPU.
    public static let mappedBudget: Int64 = 24 << 20

    /// Uploads a whole regular file without copying it through part buffers: each part is mapped read-only,
    /// hashed and sent from the mapping (at most `concurrency` parts mapped at a time), or, when that would map more than
    /// ``mappedBudget``, hashed and sent by reading the file range. Call it on a fresh writer, then
    /// ``finish()``. A file that fits in one part is sent with one PutObject. The file must not change meanwhile.
    /// - Returns: the number of bytes.
    @discardableResult
    public func write(filePath path: String) throws -> Int64 {
        precondition(!finished && total == 0 && current == nil, "write(filePath:) needs a fresh writer")
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw QSnapError(.usage("s3.read"), "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            return try write(fromFileDescriptor: fd)
        }
        let size = Int64(info.st_size)
        let pageSize = Int64(sysconf(Int32(_SC_PAGESIZE)))
        guard size > partSize else { return try write(fromFileDescriptor: fd) }
        let mapParts =
            partSize * Int64(max(1, options.concurrency)) <= S3ObjectWriter.mappedBudget
            && partSize % pageSize == 0
        var offset: Int64 = 0
        while offset < size {
            let length = min(partSize, size - offset)
            try acquireMappingSlot()
            var job = Job(partNumber: 0)
            if mapParts {
                guard let base = mmap(nil, Int(length), PROT_READ, MAP_SHARED | MAP_POPULATE, fd, off_t(offset)),
                    base != MAP_FAILED
                else {
                    releaseMappingSlot()
                    throw QSnapError(.failure("s3.read"), "cannot map \(path): \(String(cString: strerror(errno)))")
                }
                job.buffer = PartBuffer(mapping: base, length: Int(length))
            } else {
                job.fileRange = (path, offset, length)
            }
            do { try submit(job) } catch {
                releaseMappingSlot()
                throw error
            }
            offset += length
            total += length
        }
        return size
    }

    private func acquireMappingSlot() throws {
        let s = shared
        s.condition.lock()
        defer { s.condition.unlock() }
        while true {
            if let error = s.error { throw error }
            if s.mapped < max(1, options.concurrency) {
                s.mapped += 1
                return
            }
            s.condition.wait()
        }
    }

    private func releaseMappingSlot() {
        shared.condition.lock()
        shared.mapped -= 1
        shared.condition.broadcast()
        shared.condition.unlock()
    }

    /// The buffer being filled; a full one is handed to the workers first.
    private func currentBuffer() throws -> PartBuffer {
        if let current, current.filled < current.memory.count { return current }
        if let full = current {
            try submit(full)
            current = nil
        }
        let fresh = try acquireBuffer()
        current = fresh
        return fresh
    }

    private func acquireBuffer() throws -> PartBuffer {
        let s = shared
        s.condition.lock()
        defer { s.condition.unlock() }
        while true {
            if let error = s.error { throw error }
            if let buffer = s.free.popLast() {
                buffer.filled = 0
                return buffer
            }
            if s.allocated < max(2, options.concurrency) {
                s.allocated += 1
                return PartBuffer(capacity: Int(partSize))
            }
            s.condition.wait()
        }
    }

    private func submit(_ buffer: PartBuffer) throws { try submit(Job(partNumber: 0, buffer: buffer)) }

    private func submit(_ job: Job) throws {
        if uploadID == nil {
            uploadID = try client.createMultipartUpload(key: key, contentType: options.contentType, checksum: checksum)
            startWorkers()
        }
        partNumber += 1
        guard partNumber <= S3PartSizing.maximumParts else {
            throw QSnapError(
                .failure("s3.too-many-parts"),
                "\(client.displayName(key)) would need more than 10000 parts of \(partSize) bytes; give the expected "
                    + "size or a larger part size")
        }
        let s = shared
        s.condition.lock()
        defer { s.condition.unlock() }
        if let error = s.error { throw error }
        var numbered = job
        numbered.partNumber = partNumber
        s.queue.append(numbered)
        s.condition.broadcast()
    }

    /// Waits until every queued part was handled.
    private func drain() {
        let s = shared
        s.condition.lock()
        while (!s.queue.isEmpty || s.inProgress > 0) && s.running > 0 { s.condition.wait() }
        s.condition.unlock()
    }

    /// Uploads what is left and completes the object.
    /// - Returns: ETag, size, upload id and part count.
    /// - Throws: the first part error or the Complete error; the multipart upload is then kept for a resume.
    @discardableResult
    public func finish() throws -> S3Client.UploadResult {
        precondition(!finished, "S3ObjectWriter finished twice")
        if uploadID == nil {
            finished = true
            let buffer = current
            let length = buffer?.filled ?? 0
            let payload: S3Payload =
                buffer.map { .buffer(UnsafeRawBufferPointer(rebasing: $0.memory[0..<length])) } ?? .bytes([])
            let result = try withExtendedLifetime(buffer) {
                try client.putObject(key: key, payload: payload, contentType: options.contentType)
            }
            current = nil
            return result
        }
        if let last = current, last.filled > 0 || partNumber == 0 {
            try submit(last)
            current = nil
        }
        closeAndJoin()
        finished = true
        let s = shared
        if let error = s.error { throw error }
        let parts = (1...max(partNumber, 1)).compactMap { s.results[$0] }
        guard parts.count == partNumber, let id = uploadID else {
            throw QSnapError(.failure("s3.upload"), "upload of \(client.displayName(key)) lost track of its parts")
        }
        let etag = try client.completeMultipartUpload(key: key, uploadID: id, parts: parts)
        return S3Client.UploadResult(etag: etag, size: total, uploadID: id, partCount: parts.count)
    }

    /// Stops the workers and aborts the multipart upload (if any), discarding stored parts.
    public func abort() {
        closeAndJoin()
        finished = true
        if let id = uploadID {
            do { try client.abortMultipartUpload(key: key, uploadID: id) } catch {
                client.logger.warning("could not abort the upload of \(client.displayName(key)): \(error)")
            }
        }
    }

    private func closeAndJoin() {
        let s = shared
        s.condition.lock()
        s.closed = true
        s.condition.broadcast()
        while s.running > 0 { s.condition.wait() }
        s.condition.unlock()
    }

    // MARK: - Workers

    private func startWorkers() {
        let s = shared
        let client = self.client
        let key = self.key
        let existing = self.existingParts
        let id = uploadID ?? ""
        let checksum = self.checksum
        let count = max(1, options.concurrency)
        s.condition.lock()
        s.running += count
        s.condition.unlock()
        for index in 0..<count {
            let thread = Thread {
                S3ObjectWriter.workerLoop(
                    shared: s, client: client, key: key, uploadID: id, checksum: checksum, existing: existing)
            }
            thread.name = "qsnap-s3-part-\(index)"
            thread.start()
        }
    }

    /// Whether a stored part holds the bytes whose digests are given: its recorded checksum matches (and its ETag,
    /// when it is a plain MD5, too), or, without a recorded checksum, its ETag is their MD5.
    static func isSame(_ stored: S3Part, _ digests: S3Payload.Digests) -> Bool {
        let etag = stored.etag.lowercased()
        let etagIsMD5 = etag.count == 32 && etag.allSatisfy(\.isHexDigit)
        let md5Matches = digests.md5Hex.map { $0 == etag } ?? false
        let checksumMatches: Bool?
        if let sum = stored.checksumSHA256 {
            checksumMatches = sum == digests.sha256Base64
        } else if let sum = stored.checksumCRC32 {
            checksumMatches = sum == digests.crc32Base64
        } else if let sum = stored.checksumCRC32C {
            checksumMatches = sum == digests.crc32cBase64
        } else {
            checksumMatches = nil
        }
        switch checksumMatches {
        case .some(true): return md5Matches || !etagIsMD5 || digests.md5Hex == nil
        case .some(false): return false
        case .none: return md5Matches
        }
    }

    private static func workerLoop(
        shared s: Shared, client: S3Client, key: String, uploadID: String, checksum declared: S3ChecksumAlgorithm?,
        existing: [Int: S3Part]
    ) {
        while true {
            s.condition.lock()
            while s.queue.isEmpty && !s.closed { s.condition.wait() }
            if s.queue.isEmpty {
                s.running -= 1
                s.condition.broadcast()
                s.condition.unlock()
                return
            }
            var job: Job? = s.queue.removeFirst()
            let partNumber = job!.partNumber
            let isMapping = job!.buffer?.isMapping ?? true
            s.inProgress += 1
            let skip = s.error != nil
            s.condition.unlock()

            var part: S3Part?
            var failure: (any Error)?
            var reused = false
            if !skip {
                do {
                    let payload: S3Payload
                    if let buffer = job!.buffer {
                        payload = .buffer(UnsafeRawBufferPointer(rebasing: buffer.memory[0..<buffer.filled]))
                    } else {
                        let range = job!.fileRange!
                        payload = .file(path: range.path, offset: range.offset, length: range.length)
                    }
                    let stored = existing[partNumber]
                    let checksum = client.effectiveChecksum(declared) ?? stored?.checksumAlgorithm
                    let digests = try payload.digests(
                        signed: client.configuration.signsPayload, checksum: checksum,
                        md5: stored != nil || client.sendsContentMD5)
                    if let stored, stored.size == payload.length, Self.isSame(stored, digests) {
                        part = S3Part(
                            partNumber: partNumber, etag: stored.etag, size: stored.size, algorithm: checksum,
                            digests: digests)
                        reused = true
                    } else {
                        part = try client.uploadPart(
                            key: key, uploadID: uploadID, partNumber: partNumber, payload: payload, digests: digests,
                            checksum: declared)
                    }
                } catch {
                    failure = error
                }
            }
            // Unmap a mapped part before its slot is given back, so at most `concurrency` parts are mapped.
            let reusable = isMapping ? nil : job?.buffer  // file ranges count as mapped slots
            job = nil
            s.condition.lock()
            if let part { s.results[partNumber] = part }
            if reused { s.reused += 1 }
            if let failure, s.error == nil { s.error = failure }
            if let reusable { s.free.append(reusable) } else { s.mapped -= 1 }
            s.inProgress -= 1
            s.condition.broadcast()
            s.condition.unlock()
        }
    }
}
