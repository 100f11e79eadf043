import Foundation
import HTTP
import QSnapCore

/// A request body that can be read more than once (hashed, then sent, then re-sent on retry).
public enum S3Payload {
    /// Bytes in memory.
    case bytes([UInt8])
    /// Memory owned by the caller, valid for the duration of the call.
    case buffer(UnsafeRawBufferPointer)
    /// A byte range of a file.
    case file(path: String, offset: Int64, length: Int64)

    /// The length in bytes.
    public var length: Int64 {
        switch self {
        case .bytes(let b): return Int64(b.count)
        case .buffer(let b): return Int64(b.count)
        case .file(_, _, let length): return length
        }
    }

    var httpBody: HTTPRequestBody {
        switch self {
        case .bytes(let b): return .bytes(b)
        case .buffer(let b): return .buffer(b)
        case .file(let path, let offset, let length): return .file(path: path, offset: offset, length: length)
        }
    }

    /// The payload's digests: hex SHA-256 (signed), base64 SHA-256 (`x-amz-checksum-sha256`) and, if asked,
    /// base64 MD5 (`Content-MD5`) and hex MD5 (to compare with a part's ETag).
    struct Digests {
        var sha256Hex: String
        var sha256Base64: String
        var md5Base64: String?
        var md5Hex: String?
    }

    func digests(md5: Bool) throws -> Digests {
        let sha = Digest(.sha256)
        let md = md5 ? Digest(.md5) : nil
        func feed(_ chunk: UnsafeRawBufferPointer) {
            sha.update(chunk)
            md?.update(chunk)
        }
        switch self {
        case .bytes(let b): b.withUnsafeBytes { feed($0) }
        case .buffer(let b): feed(b)
        case .file(let path, let offset, let length):
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else {
                throw QSnapError(.failure("s3.read"), "cannot open \(path): \(String(cString: strerror(errno)))")
            }
            defer { close(fd) }
            let chunkSize = 1 << 20
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkSize, alignment: 16)
            defer { buffer.deallocate() }
            var done: Int64 = 0
            while done < length {
                let want = Int(min(Int64(chunkSize), length - done))
                let got = pread(fd, buffer.baseAddress, want, off_t(offset + done))
                if got < 0 && errno == EINTR { continue }
                guard got > 0 else {
                    throw QSnapError(
                        .failure("s3.read"),
                        got == 0 ? "\(path) is shorter than expected" : "reading \(path) failed: \(String(cString: strerror(errno)))")
                }
                feed(UnsafeRawBufferPointer(rebasing: buffer[0..<got]))
                done += Int64(got)
            }
        }
        let shaRaw = sha.finalize()
        let mdRaw = md?.finalize()
        return Digests(
            sha256Hex: Hex.encode(shaRaw), sha256Base64: Data(shaRaw).base64EncodedString(),
            md5Base64: mdRaw.map { Data($0).base64EncodedString() }, md5Hex: mdRaw.map { Hex.encode($0) })
    }
}
