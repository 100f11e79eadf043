import Foundation
import Testing

@testable import QSnapCore

/// zstd streaming: round trips over odd write sizes, interoperability with the zstd CLI's format, damage.
@Suite struct ZstdStreamTests {
    static func compress(_ plain: [UInt8], level: Int = 3, step: Int = 1000) throws -> [UInt8] {
        let c = ZstdCompressor(level: level)
        var out: [UInt8] = []
        var i = 0
        while i < plain.count {
            let n = min(step, plain.count - i)
            try plain[i..<(i + n)].withUnsafeBytes { try c.compress($0) { out.append(contentsOf: $0) } }
            i += n
        }
        try c.finish { out.append(contentsOf: $0) }
        return out
    }

    static func decompress(_ data: [UInt8], step: Int = 333) throws -> [UInt8] {
        let d = ZstdDecompressor(label: "z")
        var out: [UInt8] = []
        var i = 0
        while i < data.count {
            let n = min(step, data.count - i)
            try data[i..<(i + n)].withUnsafeBytes { try d.decompress($0) { out.append(contentsOf: $0) } }
            i += n
        }
        try d.finish()
        return out
    }

    @Test(arguments: [0, 1, 100_000, 3_000_000])
    func roundTrips(size: Int) throws {
        let plain = (0..<size).map { UInt8(truncatingIfNeeded: ($0 * 31) ^ ($0 >> 7)) }
        let z = try Self.compress(plain)
        #expect(Array(z.prefix(4)) == [0x28, 0xB5, 0x2F, 0xFD], "a standard zstd frame")
        #expect(try Self.decompress(z) == plain)
        #expect(try Self.decompress(z, step: 1 << 20) == plain)
    }

    @Test func highlyCompressibleInputExpandsInBoundedSteps() throws {
        let plain = [UInt8](repeating: 0x41, count: 8 << 20)
        let z = try Self.compress(plain, step: 1 << 20)
        #expect(z.count < 4096)
        let d = ZstdDecompressor(label: "z")
        var largest = 0, total = 0
        try z.withUnsafeBytes {
            try d.decompress($0) {
                largest = max(largest, $0.count); total += $0.count
            }
        }
        try d.finish()
        #expect(total == plain.count && largest <= 1 << 20, "output comes in scratch-sized pieces")
    }

    @Test func truncatedAndDamagedFramesAreRefused() throws {
        let z = try Self.compress((0..<50_000).map { UInt8(truncatingIfNeeded: $0 * 7) })
        #expect(throws: QSnapError.self) { _ = try Self.decompress(Array(z.dropLast(3))) }
        var bad = z
        bad[0] ^= 0xFF
        #expect(throws: QSnapError.self) { _ = try Self.decompress(bad) }
        #expect(throws: QSnapError.self) { _ = try Self.decompress(z + z) }
    }
}
