internal import CCrypto
import Foundation

/// An incremental message digest (SHA-256, MD5, SHA-1) computed by OpenSSL libcrypto.
///
/// Not `Sendable`: one instance is fed by one thread at a time. Feed it in chunks of 16 KiB or more.
public final class Digest {
    /// The supported algorithms.
    public enum Algorithm: String, Sendable {
        case sha256 = "SHA256"
        case md5 = "MD5"
        case sha1 = "SHA1"
    }

    private let context: OpaquePointer
    /// The algorithm of this digest.
    public let algorithm: Algorithm
    private var finished: [UInt8]?

    /// Starts a new digest.
    public init(_ algorithm: Algorithm) {
        OpenSSLRuntime.initialize()
        self.algorithm = algorithm
        guard let ctx = EVP_MD_CTX_new() else { fatalError("OpenSSL: EVP_MD_CTX_new failed (out of memory)") }
        context = ctx
        let md: OpaquePointer?
        switch algorithm {
        case .sha256: md = EVP_sha256()
        case .md5: md = EVP_md5()
        case .sha1: md = EVP_sha1()
        }
        guard EVP_DigestInit_ex2(context, md, nil) == 1 else { fatalError("OpenSSL: digest \(algorithm) unavailable") }
    }

    deinit { EVP_MD_CTX_free(context) }

    /// Feeds bytes.
    public func update(_ buffer: UnsafeRawBufferPointer) {
        precondition(finished == nil, "Digest updated after finalize")
        guard let base = buffer.baseAddress, buffer.count > 0 else { return }
        _ = ccrypto_digest_update(context, base, buffer.count)
    }

    /// Feeds bytes.
    public func update<Bytes: ContiguousBytes>(_ bytes: Bytes) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// Feeds the UTF-8 bytes of a string.
    public func update(_ string: String) {
        var s = string
        s.withUTF8 { update(UnsafeRawBufferPointer($0)) }
    }

    /// Finishes and returns the raw digest; later calls return the same value.
    public func finalize() -> [UInt8] {
        if let finished { return finished }
        var out = [UInt8](repeating: 0, count: Int(EVP_MAX_MD_SIZE))
        var length: UInt32 = 0
        _ = EVP_DigestFinal_ex(context, &out, &length)
        let result = Array(out.prefix(Int(length)))
        finished = result
        return result
    }

    /// Finishes and returns the digest as lower-case hex.
    public func hexDigest() -> String { Hex.encode(finalize()) }

    /// SHA-256 of `bytes` as lower-case hex.
    public static func sha256Hex<Bytes: ContiguousBytes>(_ bytes: Bytes) -> String {
        let d = Digest(.sha256)
        d.update(bytes)
        return d.hexDigest()
    }

    /// SHA-256 of the UTF-8 bytes of `string` as lower-case hex.
    public static func sha256Hex(_ string: String) -> String {
        let d = Digest(.sha256)
        d.update(string)
        return d.hexDigest()
    }

    /// MD5 of `bytes`, raw.
    public static func md5<Bytes: ContiguousBytes>(_ bytes: Bytes) -> [UInt8] {
        let d = Digest(.md5)
        d.update(bytes)
        return d.finalize()
    }
}

/// HMAC-SHA256 (OpenSSL's one-shot `HMAC`).
public enum HMACSHA256 {
    /// Returns HMAC-SHA256(key, message), raw.
    public static func authenticate<K: ContiguousBytes, M: ContiguousBytes>(key: K, message: M) -> [UInt8] {
        OpenSSLRuntime.initialize()
        var out = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        key.withUnsafeBytes { k in
            message.withUnsafeBytes { m in
                _ = ccrypto_hmac_sha256(
                    k.baseAddress, Int32(k.count), m.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!, m.count, &out,
                    &length)
            }
        }
        return Array(out.prefix(Int(length)))
    }

    /// Returns HMAC-SHA256(key, UTF-8 of message), raw.
    public static func authenticate<K: ContiguousBytes>(key: K, string: String) -> [UInt8] {
        authenticate(key: key, message: Array(string.utf8))
    }
}

/// Lower-case hexadecimal encoding and decoding.
public enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    /// Lower-case hex of `bytes`.
    public static func encode<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        var chars: [UInt8] = []
        for b in bytes {
            chars.append(digits[Int(b >> 4)])
            chars.append(digits[Int(b & 0x0f)])
        }
        return String(decoding: chars, as: UTF8.self)
    }

    /// Decodes hex (either case); `nil` if not valid hex of even length.
    public static func decode(_ text: String) -> [UInt8]? {
        let utf8 = Array(text.utf8)
        guard utf8.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(utf8.count / 2)
        var i = 0
        while i < utf8.count {
            guard let hi = value(utf8[i]), let lo = value(utf8[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }

    /// True when `text` is exactly 64 hex digits (a SHA-256), any case.
    public static func isSHA256(_ text: String) -> Bool {
        text.utf8.count == 64 && decode(text) != nil
    }

    private static func value(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
