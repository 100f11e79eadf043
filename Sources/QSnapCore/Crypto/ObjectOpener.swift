/// Decrypts an object written by ``ObjectSealer`` as its bytes arrive, and names the exact chunk of any defect.
///
/// Defects, each a `verificationFailed` error (exit 4) with its own code:
/// - `crypto.tampered`: chunk N does not authenticate (a changed byte, or the object moved to another key);
/// - `crypto.chunk-missing`: position N holds a later chunk (chunks were dropped);
/// - `crypto.chunk-reordered`: position N holds an earlier chunk, or chunks N and N+1 are swapped;
/// - `crypto.truncated`: the object ends inside a chunk or before its final chunk;
/// - `crypto.trailing-data`: bytes follow the final chunk;
/// - `crypto.not-encrypted` / `crypto.header`: no or an unknown object header.
/// Chunks are decrypted in place. Memory: one chunk (two while telling a swap from a drop).
public final class ObjectOpener {
    private let master: MasterKey
    private let identity: [UInt8]
    private let label: String
    private let maxChunk: Int
    private var buffer: [UInt8] = []
    private var start = 0
    private var header: EncryptedObjectHeader?
    private var headerBytes: [UInt8] = []
    private var key: [UInt8] = []
    private var position: UInt64 = 0
    private var storedOffset: Int64 = 0
    private var ended = false
    /// A later chunk found at `position` (a drop or a swap; the next chunk decides).
    private var suspect: (position: UInt64, claimed: UInt64, offset: Int64)?

    /// - Parameters:
    ///   - identity: the object's key in the repository (must equal the sealer's).
    ///   - label: how errors name the object.
    ///   - maxChunk: the repository's chunk size (larger frames are damage).
    public init(master: MasterKey, identity: String, label: String, maxChunk: Int) {
        self.master = master
        self.identity = Array(identity.utf8)
        self.label = label
        self.maxChunk = maxChunk
    }

    /// The object header, once read.
    public var objectHeader: EncryptedObjectHeader? { header }

    /// Feeds stored bytes; `emit` receives each authenticated chunk's plaintext, in order.
    public func push(_ bytes: UnsafeRawBufferPointer, emit: (UnsafeRawBufferPointer) throws -> Void) throws {
        bytes.withMemoryRebound(to: UInt8.self) { buffer.append(contentsOf: $0) }
        try drain(emit: emit)
        if start > 0 && start >= buffer.count / 2 {
            buffer.removeFirst(start)
            start = 0
        }
    }

    /// The stored bytes ended.
    public func finish() throws {
        if let s = suspect { throw missing(s) }
        let left = buffer.count - start
        guard header != nil else {
            throw QSnapError(
                .cryptoTruncated,
                "\(label) is truncated: \(left) byte(s), shorter than the object header")
        }
        guard ended else {
            throw QSnapError(
                .cryptoTruncated,
                "\(label) is truncated at chunk \(position) (stored offset \(storedOffset)): "
                    + (left > 0 ? "the chunk is cut short after \(left) byte(s)" : "the final chunk is missing")
                    + "; the object is incomplete")
        }
    }

    private func drain(emit: (UnsafeRawBufferPointer) throws -> Void) throws {
        if header == nil {
            guard buffer.count - start >= EncryptedObjectHeader.size else { return }
            let h = try EncryptedObjectHeader(
                parsing: buffer[start..<(start + EncryptedObjectHeader.size)], label: label)
            header = h
            headerBytes = h.bytes
            key = h.objectKey(master: master)
            start += EncryptedObjectHeader.size
            storedOffset = Int64(EncryptedObjectHeader.size)
        }
        while buffer.count - start >= ChunkFrame.size {
            if ended {
                throw QSnapError(
                    .cryptoTrailingData,
                    "\(label) has \(buffer.count - start)+ byte(s) after its final chunk \(position - 1) (stored offset \(storedOffset)): appended or spliced data"
                )
            }
            let frameBytes = Array(buffer[start..<(start + ChunkFrame.size)])
            guard let frame = ChunkFrame(parsing: frameBytes[...]), Int(frame.length) <= maxChunk else {
                throw tampered("its frame header is damaged")
            }
            let total = ChunkFrame.size + Int(frame.length) + AESGCM.tagSize
            guard buffer.count - start >= total else { return }
            let length = Int(frame.length)
            let nonce = header!.nonce(chunk: frame.index), aad = headerBytes + frameBytes + identity
            let ok = buffer.withUnsafeMutableBytes { all -> Bool in
                let body = all.baseAddress! + start + ChunkFrame.size
                return AESGCM.openInPlace(
                    key: key, nonce: nonce, aad: aad, body: body, count: length, tag: body + length)
            }
            if let s = suspect {
                if ok && frame.index == s.position {
                    throw QSnapError(
                        .cryptoChunkReordered,
                        "\(label): chunks \(s.position) and \(s.claimed) are swapped (stored offset \(s.offset)): the object's chunks were reordered"
                    )
                }
                throw missing(s)
            }
            guard ok else {
                throw tampered(
                    "it does not authenticate: its bytes were changed, or the object was moved from another key")
            }
            if frame.index < position {
                throw QSnapError(
                    .cryptoChunkReordered,
                    "\(label): position \(position) (stored offset \(storedOffset)) holds chunk \(frame.index), which came before: the object's chunks were reordered or repeated"
                )
            }
            if frame.index > position {
                suspect = (position, frame.index, storedOffset)
                start += total
                storedOffset += Int64(total)
                position += 1
                continue
            }
            let body = start + ChunkFrame.size
            try buffer.withUnsafeBytes { try emit(UnsafeRawBufferPointer(rebasing: $0[body..<(body + length)])) }
            start += total
            storedOffset += Int64(total)
            position += 1
            ended = frame.isFinal
        }
    }

    private func tampered(_ why: String) -> QSnapError {
        QSnapError(
            .cryptoTampered,
            "\(label): chunk \(position) (stored offset \(storedOffset)) failed authentication: \(why)")
    }

    private func missing(_ s: (position: UInt64, claimed: UInt64, offset: Int64)) -> QSnapError {
        let range = s.claimed - 1 == s.position ? "chunk \(s.position) is" : "chunks \(s.position)…\(s.claimed - 1) are"
        return QSnapError(
            .cryptoChunkMissing,
            "\(label): \(range) missing (stored offset \(s.offset) holds chunk \(s.claimed)): chunks were dropped from the object"
        )
    }
}
