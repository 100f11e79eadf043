/// The write side of an encrypted repository's object: plaintext → zstd (optional) → chunks of `chunkSize` bytes
/// sealed with AES-256-GCM → stored bytes. Memory: one chunk plus zstd's window.
public final class ObjectEncryptor {
    /// The default chunk size: 1 MiB of (compressed) plaintext per chunk.
    public static let defaultChunkSize = 1 << 20

    private let sealer: ObjectSealer
    private let compressor: ZstdCompressor?
    private let chunkSize: Int
    /// object header (32) ‖ frame header (16) ‖ chunk (chunkSize) ‖ tag (16): chunks are filled and sealed in place.
    private let buffer: UnsafeMutableRawBufferPointer
    private static let slot = EncryptedObjectHeader.size + ChunkFrame.size
    private var filled = 0
    private var startedOutput = false
    /// Plaintext bytes taken in.
    public private(set) var plaintextBytes: Int64 = 0
    /// Stored bytes given out.
    public private(set) var storedBytes: Int64 = 0

    /// - Parameters:
    ///   - identity: the object's key in the repository (bound into every chunk).
    public init(
        master: MasterKey, identity: String, compression: ObjectCompression,
        chunkSize: Int = ObjectEncryptor.defaultChunkSize,
        header: EncryptedObjectHeader? = nil
    ) {
        let h = header ?? .random(compression: compression.headerValue)
        sealer = ObjectSealer(master: master, identity: identity, header: h)
        compressor = h.compression == .zstd ? ZstdCompressor(level: max(1, compression.level)) : nil
        self.chunkSize = chunkSize
        buffer = .allocate(byteCount: Self.slot + chunkSize + AESGCM.tagSize, alignment: 64)
        buffer.copyBytes(from: h.bytes)
    }

    deinit { buffer.deallocate() }

    /// Takes plaintext; `emit` receives stored bytes.
    public func write(_ bytes: UnsafeRawBufferPointer, emit: (UnsafeRawBufferPointer) throws -> Void) throws {
        plaintextBytes += Int64(bytes.count)
        if let compressor {
            try compressor.compress(bytes) { try self.take($0, emit: emit) }
        } else {
            try take(bytes, emit: emit)
        }
    }

    /// Ends the object (the final chunk); `emit` receives the rest.
    public func finish(emit: (UnsafeRawBufferPointer) throws -> Void) throws {
        if let compressor { try compressor.finish { try self.take($0, emit: emit) } }
        try output(final: true, emit: emit)
    }

    /// Fills the chunk; a full chunk is sealed once more bytes arrive (so the last chunk is always final).
    private func take(_ bytes: UnsafeRawBufferPointer, emit: (UnsafeRawBufferPointer) throws -> Void) throws {
        var rest = bytes
        while !rest.isEmpty {
            if filled == chunkSize { try output(final: false, emit: emit) }
            let n = min(chunkSize - filled, rest.count)
            (buffer.baseAddress! + Self.slot + filled).copyMemory(from: rest.baseAddress!, byteCount: n)
            filled += n
            rest = UnsafeRawBufferPointer(rebasing: rest[n...])
        }
    }

    private func output(final: Bool, emit: (UnsafeRawBufferPointer) throws -> Void) throws {
        let frameStart = EncryptedObjectHeader.size
        sealer.sealInPlace(UnsafeMutableRawBufferPointer(rebasing: buffer[frameStart...]), count: filled, final: final)
        let from = startedOutput ? frameStart : 0
        startedOutput = true
        let out = UnsafeRawBufferPointer(rebasing: buffer[from..<(Self.slot + filled + AESGCM.tagSize)])
        filled = 0
        storedBytes += Int64(out.count)
        try emit(out)
    }

    /// Encrypts a whole small object at once.
    public static func seal(_ bytes: [UInt8], master: MasterKey, identity: String, compression: ObjectCompression)
        throws -> [UInt8]
    {
        let encryptor = ObjectEncryptor(master: master, identity: identity, compression: compression)
        var out: [UInt8] = []
        try bytes.withUnsafeBytes { try encryptor.write($0) { out.append(contentsOf: $0) } }
        try encryptor.finish { out.append(contentsOf: $0) }
        return out
    }
}
