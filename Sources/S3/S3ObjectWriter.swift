import Foundation
import HTTP
import QSnapCore
import Synchronization

/// Streams an object of unknown or known size into S3 with bounded memory: ``upload(client:key:options:_:)``.
///
/// Bytes pushed with ``write(_:)`` fill one part buffer at a time; full parts are handed to `concurrency` child tasks
/// that hash and upload them while the producer keeps filling. Memory is at most `max(2, concurrency)` part buffers
/// (the producer waits for a sent part's buffer when all are in use). An
/// object that fits in one part is sent with a single PutObject. With ``Options/resumeUploadID`` the upload continues
/// an interrupted multipart upload: parts already stored with the same size and checksum (or MD5 ETag) are not sent
/// again.
///
/// The writer exists only inside ``upload(client:key:options:_:)``'s closure, the one producer.
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
        /// On failure, keep a started multipart upload (to resume it) instead of aborting it; the error is then an
        /// ``Interrupted`` naming the upload.
        public var keepPartsOnFailure = false

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

    /// One part's bytes: allocated memory (refilled once a worker sent it) or a read-only file mapping.
    final class PartBuffer: @unchecked Sendable {  // owned by one task at a time: the producer, then one worker
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

    /// A part to upload: its bytes in memory (allocated or mapped), or a byte range of a file, read when hashing and
    /// again when sending (for parts too big to map).
    struct Job: @unchecked Sendable {  // its buffer moves from the producer to one worker
        var partNumber: Int
        var uploadID: String
        var buffer: PartBuffer?
        var fileRange: (path: String, offset: Int64, length: Int64)?
    }

    /// A multipart upload kept after a failure (``Options/keepPartsOnFailure``).
    public struct Interrupted: Error, Sendable, CustomStringConvertible {
        /// The kept upload's id.
        public var uploadID: String
        /// What stopped the upload.
        public var cause: any Error
        public var description: String { "\(cause)" }
    }

    /// What the workers report.
    private struct Stored: Sendable {
        var parts: [S3Part] = []
        var reused = 0
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
    private let jobs = BoundedChannel<Job>(capacity: 0)
    /// The most parts held at once, each in a slot: the one being filled or mapped and those being sent.
    private let slotLimit: Int
    /// Slots taken so far without waiting for one to come back.
    private var slotsIssued = 0
    /// Slots the workers hand back once a part is sent: with its buffer to refill, or `nil` for a mapping (unmapped
    /// by then) or a file range.
    private let returnedSlots: BoundedChannel<PartBuffer?>
    private var current: PartBuffer?
    private var partNumber = 0
    private var total: Int64 = 0

    private init(client: S3Client, key: String, options: Options) throws {
        guard options.partSize >= 1 << 20 else {
            throw S3Error(
                .partSize,
                "the part size must be at least 1 MiB (S3 needs 5 MiB for all but the last part)")
        }
        self.client = client
        self.key = key
        self.options = options
        self.partSize = S3PartSizing.partSize(configured: options.partSize, expectedSize: options.expectedSize)
        self.checksum = client.configuration.checksumAlgorithm
        self.slotLimit = max(2, options.concurrency)
        self.returnedSlots = BoundedChannel(capacity: slotLimit)
    }

    /// Uploads the bytes `produce` writes as `key`: a PutObject when they fit in one part, else a multipart upload
    /// whose parts `concurrency` child tasks send while `produce` runs.
    ///
    /// On failure (of `produce` or of any request) the started multipart upload is aborted, unless
    /// ``Options/keepPartsOnFailure`` keeps it (the error is then ``Interrupted``). Cancelling the task stops every
    /// part upload.
    /// - Parameters:
    ///   - client: the bucket's client.
    ///   - key: the object key.
    ///   - options: part size, concurrency, resume.
    ///   - produce: writes the object's bytes through the writer it is given.
    /// - Returns: ETag, size, upload id, part count and the parts a resumed upload reused.
    public static func upload(
        client: S3Client, key: String, options: Options = Options(),
        _ produce: (S3ObjectWriter) async throws -> Void
    ) async throws -> S3Client.UploadResult {
        let writer = try S3ObjectWriter(client: client, key: key, options: options)
        do {
            if let id = options.resumeUploadID { try await writer.adopt(uploadID: id) }
            return try await writer.run(produce)
        } catch {
            guard let id = writer.uploadID else { throw error }
            if options.keepPartsOnFailure {
                throw Interrupted(uploadID: id, cause: error)
            }
            do { try await client.abortMultipartUpload(key: key, uploadID: id) } catch {
                client.logger.warning("could not abort the upload of \(client.displayName(key)): \(error)")
            }
            throw error
        }
    }

    /// Lists the stored parts of the upload to resume (and adopts their part size and checksum).
    private func adopt(uploadID id: String) async throws {
        let parts = try await client.listParts(key: key, uploadID: id)
        // Parts of one upload must carry the checksum it declared, whatever the configuration says now.
        if let declared = parts.lazy.compactMap(\.checksumAlgorithm).first { checksum = declared }
        existingParts = Dictionary(parts.map { ($0.partNumber, $0) }, uniquingKeysWith: { a, _ in a })
        if let first = existingParts[1], first.size > 0, parts.count > 1 { partSize = first.size }
        uploadID = id
        client.logger.debug("resuming upload of \(client.displayName(key)): \(parts.count) part(s) already stored")
    }

    /// Runs `produce` beside the part workers (a bounded task group), then completes the object.
    private func run(_ produce: (S3ObjectWriter) async throws -> Void) async throws -> S3Client.UploadResult {
        let workers = max(1, options.concurrency)
        let stored = try await withThrowingTaskGroup(of: Stored.self) { group -> Stored in
            for _ in 0..<workers {
                group.addTask { [jobs, returnedSlots, client, key, existingParts, checksum] in
                    var stored = Stored()
                    do {
                        while var job = try await jobs.receive() {
                            let (part, reused) = try await S3ObjectWriter.send(
                                job, client: client, key: key, checksum: checksum, existing: existingParts)
                            stored.parts.append(part)
                            if reused { stored.reused += 1 }
                            let reusable = job.buffer.flatMap { $0.isMapping ? nil : $0 }
                            job.buffer = nil  // a mapped part is unmapped here, before its slot goes back
                            try await returnedSlots.send(reusable)
                        }
                    } catch {
                        jobs.fail(error)  // the producer's next hand-off throws it
                        returnedSlots.fail(error)  // and so does its wait for a slot
                        throw error
                    }
                    return stored
                }
            }
            do {
                try await produce(self)
                if uploadID != nil, let last = current, last.filled > 0 || partNumber == 0 {
                    current = nil
                    try await submit(Job(partNumber: 0, uploadID: "", buffer: last))
                }
                jobs.finish()
            } catch {
                jobs.fail(error)
                group.cancelAll()
                throw error
            }
            var all = Stored()
            for try await part in group {
                all.parts += part.parts
                all.reused += part.reused
            }
            return all
        }
        guard let id = uploadID else {
            // Everything fit in one part: one PutObject.
            let buffer = current
            let length = buffer?.filled ?? 0
            let payload: S3Payload =
                buffer.map { .buffer(UnsafeRawBufferPointer(rebasing: $0.memory[0..<length])) } ?? .bytes([])
            var result = try await client.putObject(key: key, payload: payload, contentType: options.contentType)
            withExtendedLifetime(buffer) {}
            current = nil
            result.reusedParts = 0
            return result
        }
        let parts = stored.parts.sorted { $0.partNumber < $1.partNumber }
        guard parts.count == partNumber, parts.last?.partNumber == partNumber else {
            throw S3Error(.upload, "upload of \(client.displayName(key)) lost track of its parts")
        }
        let etag = try await client.completeMultipartUpload(key: key, uploadID: id, parts: parts)
        return S3Client.UploadResult(
            etag: etag, size: total, uploadID: id, partCount: parts.count, reusedParts: stored.reused)
    }

    /// Bytes accepted so far.
    public var bytesWritten: Int64 { total }

    // MARK: - Producer

    /// Appends bytes to the object. Waits while every part buffer is in flight.
    /// - Throws: the first upload error of any part.
    public func write(_ bytes: UnsafeRawBufferPointer) async throws {
        var offset = 0
        while offset < bytes.count {
            let buffer = try await currentBuffer()
            let n = min(buffer.memory.count - buffer.filled, bytes.count - offset)
            (buffer.memory.baseAddress! + buffer.filled).copyMemory(from: bytes.baseAddress! + offset, byteCount: n)
            buffer.filled += n
            offset += n
            total += Int64(n)
        }
    }

    /// Appends bytes to the object. Waits while every part buffer is in flight.
    public func write(_ bytes: [UInt8]) async throws {
        var offset = 0
        while offset < bytes.count {
            let buffer = try await currentBuffer()
            let n = min(buffer.memory.count - buffer.filled, bytes.count - offset)
            bytes.withUnsafeBytes { source in
                (buffer.memory.baseAddress! + buffer.filled).copyMemory(
                    from: source.baseAddress! + offset, byteCount: n)
            }
            buffer.filled += n
            offset += n
            total += Int64(n)
        }
    }

    /// Reads `fd` to its end straight into part buffers (no intermediate copy). A pipe or terminal is polled, so
    /// waiting for its writer never blocks a thread. - Returns: bytes read.
    @discardableResult
    public func write(fromFileDescriptor fd: Int32) async throws -> Int64 {
        var count: Int64 = 0
        while true {
            try Task.checkCancellation()
            var ready = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            if poll(&ready, 1, 0) == 0 {
                try await Task.sleep(for: .milliseconds(5))
                continue
            }
            let buffer = try await currentBuffer()
            let got = read(fd, buffer.memory.baseAddress! + buffer.filled, buffer.memory.count - buffer.filled)
            if got < 0 && (errno == EINTR || errno == EAGAIN) { continue }
            if got < 0 {
                throw S3Error(
                    .read, "reading the data to upload failed: \(String(cString: strerror(errno)))")
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

    /// Uploads a whole regular file without copying it through part buffers: each part is mapped read-only, hashed
    /// and sent from the mapping (at most `max(2, concurrency)` parts mapped at a time), or, when that would map more than
    /// ``mappedBudget``, hashed and sent by reading the file range. Call it first and alone. A file that fits in one
    /// part is sent with one PutObject. The file must not change meanwhile.
    /// - Returns: the number of bytes.
    @discardableResult
    public func write(filePath path: String) async throws -> Int64 {
        precondition(total == 0 && current == nil, "write(filePath:) needs a fresh writer")
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            throw S3Error(.cannotOpen, "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            return try await write(fromFileDescriptor: fd)
        }
        let size = Int64(info.st_size)
        let pageSize = Int64(sysconf(Int32(_SC_PAGESIZE)))
        guard size > partSize else { return try await write(fromFileDescriptor: fd) }
        let mapParts =
            partSize * Int64(max(1, options.concurrency)) <= S3ObjectWriter.mappedBudget
            && partSize % pageSize == 0
        var offset: Int64 = 0
        while offset < size {
            let length = min(partSize, size - offset)
            var job = Job(partNumber: 0, uploadID: "")
            _ = try await takeSlot()  // waits while every allowed part is mapped or in flight
            if mapParts {
                guard let base = mmap(nil, Int(length), PROT_READ, MAP_SHARED | MAP_POPULATE, fd, off_t(offset)),
                    base != MAP_FAILED
                else {
                    throw S3Error(.read, "cannot map \(path): \(String(cString: strerror(errno)))")
                }
                job.buffer = PartBuffer(mapping: base, length: Int(length))
            } else {
                job.fileRange = (path, offset, length)
            }
            try await submit(job)
            offset += length
            total += length
        }
        return size
    }

    /// The buffer being filled; a full one is handed to the workers first.
    private func currentBuffer() async throws -> PartBuffer {
        if let current, current.filled < current.memory.count { return current }
        if let full = current {
            current = nil
            try await submit(Job(partNumber: 0, uploadID: "", buffer: full))
        }
        let fresh: PartBuffer
        if let reused = try await takeSlot() {
            reused.filled = 0
            fresh = reused
        } else {
            fresh = PartBuffer(capacity: Int(partSize))
        }
        current = fresh
        return fresh
    }

    /// Takes a slot for the next part, waiting for a worker to hand one back when all ``slotLimit`` are in use.
    /// - Returns: a sent part's buffer to refill, or `nil` when the part needs new memory (or is a mapping).
    private func takeSlot() async throws -> PartBuffer? {
        if slotsIssued < slotLimit {
            slotsIssued += 1
            return nil
        }
        guard let slot = try await returnedSlots.receive() else { throw CancellationError() }
        return slot
    }

    /// Numbers `job` and hands it to a worker (waiting until one takes it); starts the multipart upload first.
    private func submit(_ job: Job) async throws {
        if uploadID == nil {
            uploadID = try await client.createMultipartUpload(
                key: key, contentType: options.contentType, checksum: checksum)
        }
        partNumber += 1
        guard partNumber <= S3PartSizing.maximumParts else {
            throw S3Error(
                .tooManyParts,
                "\(client.displayName(key)) would need more than 10000 parts of \(partSize) bytes; give the expected "
                    + "size or a larger part size")
        }
        var numbered = job
        numbered.partNumber = partNumber
        numbered.uploadID = uploadID!
        try await jobs.send(numbered)
    }

    // MARK: - Workers

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

    /// Hashes one part and uploads it, or reuses the stored part of a resumed upload that holds the same bytes.
    private static func send(
        _ job: Job, client: S3Client, key: String, checksum declared: S3ChecksumAlgorithm?, existing: [Int: S3Part]
    ) async throws -> (S3Part, reused: Bool) {
        let payload: S3Payload
        if let buffer = job.buffer {
            payload = .buffer(UnsafeRawBufferPointer(rebasing: buffer.memory[0..<buffer.filled]))
        } else {
            let range = job.fileRange!
            payload = .file(path: range.path, offset: range.offset, length: range.length)
        }
        let stored = existing[job.partNumber]
        let checksum = client.effectiveChecksum(declared) ?? stored?.checksumAlgorithm
        let digests = try payload.digests(
            signed: client.configuration.signsPayload, checksum: checksum, md5: stored != nil || client.sendsContentMD5)
        if let stored, stored.size == payload.length, isSame(stored, digests) {
            let part = S3Part(
                partNumber: job.partNumber, etag: stored.etag, size: stored.size, algorithm: checksum,
                digests: digests)
            return (part, true)
        }
        let part = try await client.uploadPart(
            key: key, uploadID: job.uploadID, partNumber: job.partNumber, payload: payload, digests: digests,
            checksum: declared)
        withExtendedLifetime(job.buffer) {}
        return (part, false)
    }
}
