import QSnapCore

/// Frames a payload as `aws-chunked` with per-chunk signatures (`STREAMING-AWS4-HMAC-SHA256-PAYLOAD`).
///
/// Feed chunks in order; each returns its framed bytes `hex(len);chunk-signature=<sig>\r\n<data>\r\n`. Finish with
/// ``finalChunk()``. The framed length must be signed up front: see ``framedLength(payloadLength:chunkSize:)``.
public struct AWSChunkedEncoder: Sendable {
    private let signer: SigV4Signer
    private let date: AmzDate
    /// The signature of the last chunk framed (the seed signature at first).
    public private(set) var previousSignature: String

    /// Starts after the seed request was signed with payload hash ``SigV4Signer/streamingPayload``.
    public init(signer: SigV4Signer, seedSignature: String, at date: AmzDate) {
        self.signer = signer
        self.date = date
        self.previousSignature = seedSignature
    }

    /// Signs and frames one chunk of data.
    public mutating func frame(_ chunk: [UInt8]) -> [UInt8] {
        let signature = signer.chunkSignature(
            previousSignature: previousSignature, chunkSHA256: Digest.sha256Hex(chunk), at: date)
        previousSignature = signature
        var out = Array("\(String(chunk.count, radix: 16));chunk-signature=\(signature)\r\n".utf8)
        out += chunk
        out += Array("\r\n".utf8)
        return out
    }

    /// Signs and frames the terminating zero-length chunk.
    public mutating func finalChunk() -> [UInt8] { frame([]) }

    /// The framed (`Content-Length`) size of a payload split into `chunkSize` chunks plus the final chunk.
    public static func framedLength(payloadLength: Int64, chunkSize: Int64) -> Int64 {
        func frameLength(_ n: Int64) -> Int64 {
            Int64(String(n, radix: 16).utf8.count) + Int64(";chunk-signature=".utf8.count) + 64 + 2 + n + 2
        }
        let full = payloadLength / chunkSize
        let rest = payloadLength % chunkSize
        return full * frameLength(chunkSize) + (rest > 0 ? frameLength(rest) : 0) + frameLength(0)
    }
}
