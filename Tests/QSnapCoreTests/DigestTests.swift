import Testing

@testable import QSnapCore

@Suite struct DigestTests {
    @Test func sha256KnownAnswers() {
        #expect(Digest.sha256Hex("") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(Digest.sha256Hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
    }

    @Test func incrementalEqualsOneShot() {
        let data = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let d = Digest(.sha256)
        for chunk in stride(from: 0, to: data.count, by: 7919) {
            d.update(Array(data[chunk..<min(chunk + 7919, data.count)]))
        }
        #expect(d.hexDigest() == Digest.sha256Hex(data))
    }

    @Test func md5KnownAnswer() {
        #expect(Hex.encode(Digest.md5(Array("abc".utf8))) == "900150983cd24fb0d6963f7d28e17f72")
    }

    @Test func hmacRFC4231Case2() {
        let mac = HMACSHA256.authenticate(key: Array("Jefe".utf8), string: "what do ya want for nothing?")
        #expect(Hex.encode(mac) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    @Test func hexRoundTrip() {
        #expect(Hex.decode("00ff10Ab") == [0, 255, 16, 171])
        #expect(Hex.decode("abc") == nil)
        #expect(Hex.isSHA256(String(repeating: "a", count: 64)))
        #expect(!Hex.isSHA256(String(repeating: "g", count: 64)))
    }
}
