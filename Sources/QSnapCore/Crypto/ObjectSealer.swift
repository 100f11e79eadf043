/// Encrypts one object as a sequence of independently authenticated chunks (see ``ChunkFrame``).
///
/// Call ``seal(_:final:into:)`` once per chunk, in order, the last one with `final: true`; write ``header`` first.
public final class ObjectSealer {
    /// The object header to write before the first chunk.
    public let header: EncryptedObjectHeader
    private let headerBytes: [UInt8]
    private let key: [UInt8]
    private let identity: [UInt8]
    private var nextIndex: UInt64 = 0
    private var sealedFinal = false

    /// - Parameters:
    ///   - master: the repository's master key.
    ///   - identity: the object's key in the repository, bound into every chunk.
    ///   - header: the object header (``EncryptedObjectHeader/random(compression:)``).
    public init(master: MasterKey, identity: String, header: EncryptedObjectHeader) {
        self.header = header
        headerBytes = header.bytes
        key = header.objectKey(master: master)
        self.identity = Array(identity.utf8)
    }

    /// The chunks sealed so far.
    public var chunkCount: UInt64 { nextIndex }

    /// Appends the frame of the next chunk (frame header, ciphertext, tag) to `output`.
    public func seal(_ plaintext: UnsafeRawBufferPointer, final: Bool, into output: inout [UInt8]) {
        precondition(!sealedFinal, "chunk sealed after the final one")
        let frame = ChunkFrame(index: nextIndex, length: UInt32(plaintext.count), isFinal: final)
        let frameBytes = frame.bytes
        output.append(contentsOf: frameBytes)
        AESGCM.seal(key: key, nonce: header.nonce(chunk: nextIndex), aad: headerBytes + frameBytes + identity,
                    plaintext: plaintext, into: &output)
        nextIndex += 1
        sealedFinal = final
    }
}
