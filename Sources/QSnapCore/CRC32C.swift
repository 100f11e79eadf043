import Foundation

/// An incremental CRC-32C (Castagnoli polynomial, S3's `CRC32C` checksum algorithm), slicing-by-8 in Swift.
///
/// Slower than ``CRC32`` (no carry-less multiply: roughly 1 CPU-s/GiB in release builds), so it is used only when
/// asked for (`--checksum crc32c`). A value type: feed it with ``update(_:)`` and read ``value`` or ``base64``.
public struct CRC32C: Sendable, Hashable {
    /// The CRC of the bytes fed so far.
    public var value: UInt32 { ~state }
    private var state: UInt32 = 0xFFFF_FFFF

    /// Starts an empty CRC.
    public init() {}

    /// The 8 lookup tables of slicing-by-8 for the reflected polynomial 0x82F63B78.
    static let tables: [[UInt32]] = {
        var t = Array(repeating: Array(repeating: UInt32(0), count: 256), count: 8)
        for i in 0..<256 {
            var c = UInt32(i)
            for _ in 0..<8 { c = (c & 1) != 0 ? (c >> 1) ^ 0x82F6_3B78 : c >> 1 }
            t[0][i] = c
        }
        for i in 0..<256 {
            for k in 1..<8 { t[k][i] = (t[k - 1][i] >> 8) ^ t[0][Int(t[k - 1][i] & 0xFF)] }
        }
        return t
    }()

    /// Feeds bytes.
    public mutating func update(_ buffer: UnsafeRawBufferPointer) {
        guard buffer.count > 0 else { return }
        var crc = state
        Self.tables.withUnsafeBufferPointer { t in
            let t0 = t[0], t1 = t[1], t2 = t[2], t3 = t[3], t4 = t[4], t5 = t[5], t6 = t[6], t7 = t[7]
            var i = 0
            let n = buffer.count
            while n - i >= 8 {
                let lo =
                    UInt32(buffer[i]) | UInt32(buffer[i + 1]) << 8 | UInt32(buffer[i + 2]) << 16
                    | UInt32(buffer[i + 3]) << 24
                let hi =
                    UInt32(buffer[i + 4]) | UInt32(buffer[i + 5]) << 8 | UInt32(buffer[i + 6]) << 16
                    | UInt32(buffer[i + 7]) << 24
                let x = crc ^ lo
                crc =
                    t7[Int(x & 0xFF)] ^ t6[Int((x >> 8) & 0xFF)] ^ t5[Int((x >> 16) & 0xFF)] ^ t4[Int(x >> 24)]
                    ^ t3[Int(hi & 0xFF)] ^ t2[Int((hi >> 8) & 0xFF)] ^ t1[Int((hi >> 16) & 0xFF)] ^ t0[Int(hi >> 24)]
                i += 8
            }
            while i < n {
                crc = (crc >> 8) ^ t0[Int((crc ^ UInt32(buffer[i])) & 0xFF)]
                i += 1
            }
        }
        state = crc
    }

    /// Feeds bytes.
    public mutating func update<Bytes: ContiguousBytes>(_ bytes: Bytes) {
        bytes.withUnsafeBytes { update($0) }
    }

    /// Base64 of the big-endian bytes: the form of `x-amz-checksum-crc32c`.
    public var base64: String {
        let v = value
        return Data([
            UInt8(truncatingIfNeeded: v >> 24), UInt8(truncatingIfNeeded: v >> 16),
            UInt8(truncatingIfNeeded: v >> 8), UInt8(truncatingIfNeeded: v),
        ]).base64EncodedString()
    }

    /// The CRC of `bytes`.
    public static func checksum<Bytes: ContiguousBytes>(_ bytes: Bytes) -> CRC32C {
        var crc = CRC32C()
        crc.update(bytes)
        return crc
    }
}
