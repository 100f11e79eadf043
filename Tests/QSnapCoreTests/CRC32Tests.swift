import Testing

@testable import QSnapCore

@Suite struct CRC32Tests {
    @Test func knownAnswers() {
        #expect(CRC32.checksum([UInt8]()).value == 0)
        #expect(CRC32.checksum(Array("123456789".utf8)).value == 0xCBF4_3926)
        // x-amz-checksum-crc32 of "a": base64 of the big-endian CRC 0xe8b7be43.
        #expect(CRC32.checksum(Array("a".utf8)).base64 == "6Le+Qw==")
        #expect(CRC32.checksum(Array("a".utf8)).bytes == [0xE8, 0xB7, 0xBE, 0x43])
    }

    @Test func incrementalEqualsOneShot() {
        let data = (0..<(256 * 4099)).map { UInt8(truncatingIfNeeded: $0) }
        var crc = CRC32()
        for start in stride(from: 0, to: data.count, by: 65_521) {
            crc.update(Array(data[start..<min(start + 65_521, data.count)]))
        }
        #expect(crc == CRC32.checksum(data))
        #expect(crc.value == 0x1FF6_05C6)  // zlib.crc32 of the same bytes
    }
}
