/// The 16-byte header in front of every chunk of an encrypted object; the ciphertext (`length` bytes) and the 16-byte
/// GCM tag follow it.
///
/// ```
/// 0  index     UInt64 big-endian: the chunk's position in the object, from 0
/// 8  length    UInt32 big-endian: ciphertext bytes (= plaintext bytes, at most the repository's chunk size)
/// 12 flags     bit 0: the final chunk of the object
/// 13 reserved  0, 0, 0
/// ```
/// The chunk's AAD is object header ‖ frame header ‖ object key (UTF-8), so index, final flag and the object's
/// identity are authenticated with every chunk.
public struct ChunkFrame: Sendable, Equatable {
    /// Encoded length.
    public static let size = 16

    public var index: UInt64
    public var length: UInt32
    public var isFinal: Bool

    public init(index: UInt64, length: UInt32, isFinal: Bool) {
        self.index = index
        self.length = length
        self.isFinal = isFinal
    }

    /// The 16 encoded bytes.
    public var bytes: [UInt8] { Self.bigEndian(index) + Self.bigEndian(length) + [isFinal ? 1 : 0, 0, 0, 0] }

    /// Parses a frame header; `nil` when reserved bits are set.
    public init?(parsing b: ArraySlice<UInt8>) {
        guard b.count == Self.size else { return nil }
        let s = b.startIndex
        var index: UInt64 = 0
        for i in 0..<8 { index = index << 8 | UInt64(b[s + i]) }
        var length: UInt32 = 0
        for i in 8..<12 { length = length << 8 | UInt32(b[s + i]) }
        guard b[s + 12] & ~1 == 0, b[s + 13] == 0, b[s + 14] == 0, b[s + 15] == 0 else { return nil }
        self.init(index: index, length: length, isFinal: b[s + 12] & 1 == 1)
    }

    /// `value` as big-endian bytes.
    static func bigEndian<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
        (0..<(T.bitWidth / 8)).reversed().map { UInt8(truncatingIfNeeded: value >> ($0 * 8)) }
    }
}
