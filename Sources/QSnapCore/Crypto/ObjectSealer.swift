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
        let start = output.count
        output.append(contentsOf: [UInt8](repeating: 0, count: ChunkFrame.size))
        output.append(contentsOf: plaintext)
        output.append(contentsOf: [UInt8](repeating: 0, count: AESGCM.tagSize))
        output.withUnsafeMutableBytes { all in
            sealInPlace(UnsafeMutableRawBufferPointer(rebasing: all[start...]), count: plaintext.count, final: final)
        }
    }

    /// Seals the next chunk in place: `frame` holds room for the frame header (16 bytes), then `count` plaintext
    /// bytes, then room for the tag (16 bytes).
    public func sealInPlace(_ frame: UnsafeMutableRawBufferPointer, count: Int, final: Bool) {
        precondition(!sealedFinal, "chunk sealed after the final one")
        precondition(frame.count >= ChunkFrame.size + count + AESGCM.tagSize)
        let frameBytes = ChunkFrame(index: nextIndex, length: UInt32(count), isFinal: final).bytes
        frame.copyBytes(from: frameBytes)
        let body = frame.baseAddress! + ChunkFrame.size
        AESGCM.sealInPlace(
            key: key, nonce: header.nonce(chunk: nextIndex), aad: headerBytes + frameBytes + identity,
            body: body, count: count, tag: body + count)
        nextIndex += 1
        sealedFinal = final
    }
}
