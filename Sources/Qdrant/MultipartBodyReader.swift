import QSnapCore

/// Produces a multipart request body on demand: the framing prefix, the caller's streamed bytes, the suffix.
///
/// A pull-style state machine for the HTTP layer's `.stream` body. With a declared length it reads exactly that
/// many body bytes and fails if the source ends early or has more; without one the body ends at the source's first
/// 0-byte read. Not thread-safe: one transfer calls it from one thread.
public final class MultipartBodyReader {
    private enum Phase { case prefix(Int), body, suffix(Int), done }

    private let framing: MultipartUpload
    private let declaredLength: Int64?
    private let source: (UnsafeMutableRawBufferPointer) throws -> Int
    private var phase: Phase = .prefix(0)
    /// Body bytes read from the source so far.
    public private(set) var bodyBytes: Int64 = 0

    /// Creates a reader.
    /// - Parameters:
    ///   - framing: the multipart framing.
    ///   - length: the body length when known (the request then has a `Content-Length`), else `nil`.
    ///   - read: fills the buffer with the next body bytes and returns how many; 0 at the end.
    public init(
        framing: MultipartUpload, length: Int64?,
        read: @escaping (UnsafeMutableRawBufferPointer) throws -> Int
    ) {
        self.framing = framing
        self.declaredLength = length
        self.source = read
    }

    /// Fills `buffer` with the next bytes of the whole request body; returns 0 at the end.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        var written = 0
        while written < buffer.count {
            let room = UnsafeMutableRawBufferPointer(rebasing: buffer[written...])
            switch phase {
            case .prefix(let offset):
                let n = copy(framing.prefix, from: offset, into: room)
                written += n
                phase = offset + n == framing.prefix.count ? .body : .prefix(offset + n)
            case .body:
                let n = try readBody(into: room)
                if n == 0 {
                    phase = .suffix(0)
                } else {
                    written += n
                    // Hand the body over in the sizes the source produces.
                    return written
                }
            case .suffix(let offset):
                let n = copy(framing.suffix, from: offset, into: room)
                written += n
                phase = offset + n == framing.suffix.count ? .done : .suffix(offset + n)
            case .done:
                return written
            }
        }
        return written
    }

    private func readBody(into room: UnsafeMutableRawBufferPointer) throws -> Int {
        if let declared = declaredLength {
            let remaining = declared - bodyBytes
            if remaining == 0 {
                var probe: UInt8 = 0
                let extra = try withUnsafeMutableBytes(of: &probe) { try source($0) }
                guard extra == 0 else {
                    throw QSnapError(
                        .failure("qdrant.upload-length"),
                        "The snapshot being uploaded is longer than the declared \(declared) bytes; the upload was "
                            + "aborted. Check that the source file is not growing.")
                }
                return 0
            }
            let limited = UnsafeMutableRawBufferPointer(rebasing: room.prefix(Int(min(Int64(room.count), remaining))))
            let n = try source(limited)
            guard n > 0 else {
                throw QSnapError(
                    .failure("qdrant.upload-length"),
                    "The snapshot being uploaded ended after \(bodyBytes) of the declared \(declared) bytes; the "
                        + "upload was aborted. Check that the source was not truncated.")
            }
            bodyBytes += Int64(n)
            return n
        }
        let n = try source(room)
        precondition(n >= 0 && n <= room.count, "upload source returned \(n) for a \(room.count)-byte buffer")
        bodyBytes += Int64(n)
        return n
    }

    private func copy(_ bytes: [UInt8], from offset: Int, into room: UnsafeMutableRawBufferPointer) -> Int {
        let n = min(room.count, bytes.count - offset)
        bytes.withUnsafeBytes { src in
            room.baseAddress!.copyMemory(from: src.baseAddress! + offset, byteCount: n)
        }
        return n
    }
}
