/// The read side of an encrypted repository's object: stored bytes → authenticated chunks (``ObjectOpener``) →
/// zstd (when the object header says so) → plaintext. Memory: one chunk plus zstd's window.
public final class ObjectDecryptor {
    private let opener: ObjectOpener
    private var decompressor: ZstdDecompressor?
    private var decided = false
    private let label: String
    /// Plaintext bytes given out.
    public private(set) var plaintextBytes: Int64 = 0

    /// - Parameters:
    ///   - identity: the object's key in the repository.
    ///   - label: how errors name the object.
    public init(master: MasterKey, identity: String, label: String, chunkSize: Int = ObjectEncryptor.defaultChunkSize) {
        opener = ObjectOpener(master: master, identity: identity, label: label, maxChunk: chunkSize)
        self.label = label
    }

    /// Takes stored bytes; `emit` receives plaintext.
    public func push(_ bytes: UnsafeRawBufferPointer, emit: (UnsafeRawBufferPointer) throws -> Void) throws {
        try opener.push(bytes) { chunk in
            if !decided {
                decided = true
                if opener.objectHeader?.compression == .zstd { decompressor = ZstdDecompressor(label: label) }
            }
            if let decompressor {
                try decompressor.decompress(chunk) { try self.give($0, emit: emit) }
            } else {
                try give(chunk, emit: emit)
            }
        }
    }

    /// The stored bytes ended: checks the final chunk (and the end of the zstd frame).
    public func finish() throws {
        try opener.finish()
        if !decided, opener.objectHeader?.compression == .zstd {
            throw QSnapError(.zstdTruncated, "\(label): its zstd frame is empty")
        }
        try decompressor?.finish()
    }

    private func give(_ bytes: UnsafeRawBufferPointer, emit: (UnsafeRawBufferPointer) throws -> Void) throws {
        plaintextBytes += Int64(bytes.count)
        try emit(bytes)
    }

    /// Decrypts a whole small object at once.
    public static func open(_ stored: [UInt8], master: MasterKey, identity: String, label: String) throws -> [UInt8] {
        let d = ObjectDecryptor(master: master, identity: identity, label: label)
        var out: [UInt8] = []
        try stored.withUnsafeBytes { try d.push($0) { out.append(contentsOf: $0) } }
        try d.finish()
        return out
    }
}
