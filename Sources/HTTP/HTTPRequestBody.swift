/// The body of a request. Not `Sendable` (it may hold a closure): use it on the calling thread only.
public enum HTTPRequestBody {
    /// No body.
    case none
    /// Bytes in memory (rewindable).
    case bytes([UInt8])
    /// A byte range of a file, read with `pread` (rewindable, so retries and redirects work).
    case file(path: String, offset: Int64, length: Int64)
    /// A one-shot stream: `read` fills the buffer and returns the count, 0 at the end. A `nil` length sends
    /// `Transfer-Encoding: chunked` (S3 refuses that; always give S3 the length). Not rewindable.
    case stream(length: Int64?, read: (UnsafeMutableRawBufferPointer) throws -> Int)
    /// Memory owned by the caller, valid for the whole call (rewindable; no copy).
    case buffer(UnsafeRawBufferPointer)

    /// The length to announce as `Content-Length`, or `nil` for chunked; `0` for ``none``.
    public var length: Int64? {
        switch self {
        case .none: return 0
        case .bytes(let b): return Int64(b.count)
        case .file(_, _, let length): return length
        case .stream(let length, _): return length
        case .buffer(let b): return Int64(b.count)
        }
    }
}
