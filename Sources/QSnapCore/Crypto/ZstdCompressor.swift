internal import CZstd

/// Streaming zstd compression (libzstd `ZSTD_compressStream2`): one frame per object, bounded memory.
public final class ZstdCompressor {
    private let context: OpaquePointer
    private var scratch: [UInt8]

    /// - Parameter level: zstd level 1…19 (3 is zstd's default).
    public init(level: Int) {
        guard let c = ZSTD_createCCtx() else { fatalError("libzstd: ZSTD_createCCtx failed (out of memory)") }
        context = c
        ZSTD_CCtx_setParameter(c, ZSTD_c_compressionLevel, Int32(level))
        ZSTD_CCtx_setParameter(c, ZSTD_c_checksumFlag, 1)
        scratch = [UInt8](repeating: 0, count: ZSTD_CStreamOutSize())
    }

    deinit { ZSTD_freeCCtx(context) }

    /// Compresses `input`; `emit` receives compressed bytes as they become available.
    public func compress(_ input: UnsafeRawBufferPointer, emit: (UnsafeRawBufferPointer) throws -> Void) throws {
        var inBuffer = ZSTD_inBuffer(src: input.baseAddress, size: input.count, pos: 0)
        while inBuffer.pos < inBuffer.size {
            try step(&inBuffer, ZSTD_e_continue, emit: emit)
        }
    }

    /// Ends the frame; `emit` receives the rest.
    public func finish(emit: (UnsafeRawBufferPointer) throws -> Void) throws {
        var inBuffer = ZSTD_inBuffer(src: nil, size: 0, pos: 0)
        while try step(&inBuffer, ZSTD_e_end, emit: emit) != 0 {}
    }

    @discardableResult
    private func step(
        _ inBuffer: inout ZSTD_inBuffer, _ mode: ZSTD_EndDirective,
        emit: (UnsafeRawBufferPointer) throws -> Void
    ) throws -> Int {
        let (remaining, produced) = scratch.withUnsafeMutableBytes { out -> (Int, Int) in
            var outBuffer = ZSTD_outBuffer(dst: out.baseAddress, size: out.count, pos: 0)
            let r = ZSTD_compressStream2(context, &outBuffer, &inBuffer, mode)
            return (r, outBuffer.pos)
        }
        if ZSTD_isError(remaining) != 0 {
            throw QSnapError(
                .zstdCompress, "zstd compression failed: \(String(cString: ZSTD_getErrorName(remaining)))")
        }
        if produced > 0 { try scratch.withUnsafeBytes { try emit(UnsafeRawBufferPointer(rebasing: $0[0..<produced])) } }
        return remaining
    }
}
