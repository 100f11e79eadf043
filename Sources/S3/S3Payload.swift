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

    /// The payload's digests, each only when asked for: SHA-256 (hex for the signature, base64 for
    /// `x-amz-checksum-sha256`), CRC-32 (base64 for `x-amz-checksum-crc32`), MD5 (base64 for `Content-MD5`, hex to
    /// compare with a part's ETag). All are computed in one pass over the bytes.
    struct Digests {
        var sha256Hex: String?
        var sha256Base64: String?
        var crc32Base64: String?
        var crc32cBase64: String?
        var md5Base64: String?
        var md5Hex: String?

        /// `x-amz-content-sha256`: the hex SHA-256, or `UNSIGNED-PAYLOAD` when the body is not signed.
        var payloadHash: String { sha256Hex ?? SigV4Signer.unsignedPayload }
    }

    func digests(sha256: Bool, crc32: Bool, md5: Bool, crc32c: Bool = false) throws -> Digests {
        let sha = sha256 ? Digest(.sha256) : nil
        let md = md5 ? Digest(.md5) : nil
        var crc = crc32 ? CRC32() : nil
        var crcC = crc32c ? CRC32C() : nil
        func feed(_ chunk: UnsafeRawBufferPointer) {
            sha?.update(chunk)
            md?.update(chunk)
            crc?.update(chunk)
            crcC?.update(chunk)
        }
        switch self {
        case .bytes(let b): b.withUnsafeBytes { feed($0) }
        case .buffer(let b): feed(b)
        case .file(let path, let offset, let length):
            let fd = open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else {
                throw S3Error(.read, "cannot open \(path): \(String(cString: strerror(errno)))")
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
                    throw S3Error(
                        .read,
                        got == 0
                            ? "\(path) is shorter than expected"
                            : "reading \(path) failed: \(String(cString: strerror(errno)))")
                }
                feed(UnsafeRawBufferPointer(rebasing: buffer[0..<got]))
                done += Int64(got)
            }
        }
        let shaRaw = sha?.finalize()
        let mdRaw = md?.finalize()
        return Digests(
            sha256Hex: shaRaw.map { Hex.encode($0) }, sha256Base64: shaRaw.map { Data($0).base64EncodedString() },
            crc32Base64: crc?.base64, crc32cBase64: crcC?.base64,
            md5Base64: mdRaw.map { Data($0).base64EncodedString() }, md5Hex: mdRaw.map { Hex.encode($0) })
    }

    /// The digests an upload needs: a SHA-256 when the body is signed or the checksum is SHA-256, a CRC-32 (or
    /// CRC-32C) when that is the checksum, an MD5 when `md5` is set.
    func digests(signed: Bool, checksum: S3ChecksumAlgorithm?, md5: Bool) throws -> Digests {
        try digests(
            sha256: signed || checksum == .sha256, crc32: checksum == .crc32, md5: md5, crc32c: checksum == .crc32c)
    }
}
