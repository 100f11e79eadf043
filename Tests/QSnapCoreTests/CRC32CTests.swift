import Foundation
import QSnapCore
import Testing

@Suite struct CRC32CTests {
    @Test func knownVectors() {
        #expect(CRC32C.checksum(Array("123456789".utf8)).value == 0xE306_9283)
        #expect(CRC32C.checksum([UInt8]()).value == 0)
        #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)).value == 0x8A91_36AA)  // RFC 3720 B.4
        #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)).value == 0x62A8_AB43)
        #expect(CRC32C.checksum(Array("123456789".utf8)).base64 == "4waSgw==")
    }

    @Test func incrementalEqualsWhole() {
        var rng = SystemRandomNumberGenerator()
        let bytes = (0..<10_007).map { _ in UInt8.random(in: 0...255, using: &rng) }
        var crc = CRC32C()
        for chunk in stride(from: 0, to: bytes.count, by: 333) {
            crc.update(Array(bytes[chunk..<min(bytes.count, chunk + 333)]))
        }
        #expect(crc == CRC32C.checksum(bytes))
    }
}
