internal import CZstd

/// Streaming zstd decompression (libzstd `ZSTD_decompressStream`) of one frame, bounded memory.
public final class ZstdDecompressor {
    private let context: OpaquePointer
    private var scratch: [UInt8]
    private var frameEnded = false
    private let label: String

    /// - Parameter label: how errors name the object.
    public init(label: String) {
        guard let d = ZSTD_createDCtx() else { fatalError("libzstd: ZSTD_createDCtx failed (out of memory)") }
        context = d
        self.label = label
        scratch = [UInt8](repeating: 0, count: ZSTD_DStreamOutSize())
    }

    deinit { ZSTD_freeDCtx(context) }

    /// Decompresses `input`; `emit` receives the plaintext as it becomes available.
    /// - Throws: `verificationFailed("zstd.corrupt")` for data that is not one zstd frame.
    public func decompress(_ input: UnsafeRawBufferPointer, emit: (UnsafeRawBufferPointer) throws -> Void) throws {
        var inBuffer = ZSTD_inBuffer(src: input.baseAddress, size: input.count, pos: 0)
        repeat {
            if frameEnded && inBuffer.pos < inBuffer.size {
                throw QSnapError(.zstdCorrupt, "\(label): data after the end of its zstd frame")
            }
            let (hint, produced, outFull) = scratch.withUnsafeMutableBytes { out -> (Int, Int, Bool) in
                var outBuffer = ZSTD_outBuffer(dst: out.baseAddress, size: out.count, pos: 0)
                let r = ZSTD_decompressStream(context, &outBuffer, &inBuffer)
                return (r, outBuffer.pos, outBuffer.pos == outBuffer.size)
            }
            if ZSTD_isError(hint) != 0 {
                throw QSnapError(
                    .zstdCorrupt,
                    "\(label): zstd data is damaged: \(String(cString: ZSTD_getErrorName(hint)))")
            }
            if produced > 0 {
                try scratch.withUnsafeBytes { try emit(UnsafeRawBufferPointer(rebasing: $0[0..<produced])) }
            }
            if hint == 0 { frameEnded = true }
            if inBuffer.pos >= inBuffer.size && !outFull { break }
        } while true
    }

    /// The compressed stream ended.
    /// - Throws: `verificationFailed("zstd.truncated")` when the frame is incomplete.
    public func finish() throws {
        guard frameEnded else {
            throw QSnapError(.zstdTruncated, "\(label): its zstd frame is incomplete")
        }
    }
}
