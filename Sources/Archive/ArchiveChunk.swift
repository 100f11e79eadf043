/// One block of raw archive bytes handed from a producer to an ``ArchiveFeed`` consumer without copying.
///
/// The producer fills ``mutableBytes`` and sets ``count`` before pushing the chunk; after that it is read-only and may be
/// shared by several consumers.
///
/// The storage is freed when the chunk is: a pointer from ``bytes`` or ``mutableBytes`` is valid only while the chunk is
/// alive, so use it inside `withExtendedLifetime(chunk) { … }` (an optimised build may release a chunk right after its
/// last use, which a raw pointer does not count as).
// @unchecked: written by its producer only before it is pushed, read-only after.
public final class ArchiveChunk: @unchecked Sendable {
    private let storage: UnsafeMutableRawBufferPointer
    /// Valid bytes, from the start of the storage.
    public var count: Int {
        didSet { precondition(count >= 0 && count <= storage.count, "ArchiveChunk count \(count) out of range") }
    }

    /// Allocates a chunk of `capacity` bytes (``count`` starts at 0).
    public init(capacity: Int) {
        precondition(capacity > 0, "ArchiveChunk capacity must be positive")
        storage = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 16)
        count = 0
    }

    /// A chunk holding a copy of `bytes` (which must not be empty).
    public convenience init(copying bytes: [UInt8]) {
        self.init(capacity: bytes.count)
        bytes.withUnsafeBytes { storage.copyMemory(from: $0) }
        count = bytes.count
    }

    deinit {
        #if DEBUG
            // Debug builds: a pointer still used after the chunk was released reads 0xA5s, so a test sees wrong bytes.
            storage.initializeMemory(as: UInt8.self, repeating: 0xA5)
        #endif
        storage.deallocate()
    }

    /// Bytes the chunk can hold.
    public var capacity: Int { storage.count }

    /// The whole storage, for the producer to fill (valid while the chunk is alive).
    public var mutableBytes: UnsafeMutableRawBufferPointer { storage }

    /// The valid bytes (valid while the chunk is alive).
    public var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: storage[0..<count]) }
}
