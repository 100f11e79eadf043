import Foundation
import Testing

@testable import QSnapCore

/// The chunked object format: round trips, and every kind of damage found at its exact chunk.
@Suite struct ObjectFormatTests {
    static let master = MasterKey(bytes: (0..<32).map { UInt8($0) })
    static let identity = "backups/20261206T000000Z-abcdef/objects/docs/peer-1/docs.snapshot"
    static let chunk = 4096

    /// Deterministic, poorly compressible bytes.
    static func data(_ n: Int, seed: UInt64 = 7) -> [UInt8] {
        var x = seed
        return (0..<n).map { _ in
            x = x &* 6364136223846793005 &+ 1442695040888963407
            return UInt8(truncatingIfNeeded: x >> 33)
        }
    }

    static func seal(
        _ plain: [UInt8], compression: ObjectCompression = .none, identity: String = identity,
        writes: Int = 1000
    ) throws -> [UInt8] {
        let e = ObjectEncryptor(master: master, identity: identity, compression: compression, chunkSize: chunk)
        var out: [UInt8] = []
        var offset = 0
        while offset < plain.count {
            let n = min(writes, plain.count - offset)
            try plain[offset..<(offset + n)].withUnsafeBytes { try e.write($0) { out.append(contentsOf: $0) } }
            offset += n
        }
        try e.finish { out.append(contentsOf: $0) }
        #expect(e.storedBytes == Int64(out.count) && e.plaintextBytes == Int64(plain.count))
        return out
    }

    static func open(_ stored: [UInt8], identity: String = identity, feed: Int = 777) throws -> [UInt8] {
        let d = ObjectDecryptor(master: master, identity: identity, label: "obj", chunkSize: chunk)
        var out: [UInt8] = []
        var offset = 0
        while offset < stored.count {
            let n = min(feed, stored.count - offset)
            try stored[offset..<(offset + n)].withUnsafeBytes { try d.push($0) { out.append(contentsOf: $0) } }
            offset += n
        }
        try d.finish()
        return out
    }

    /// The header and the frames of a stored object.
    static func frames(_ stored: [UInt8]) -> (header: [UInt8], frames: [[UInt8]]) {
        var frames: [[UInt8]] = []
        var pos = EncryptedObjectHeader.size
        while pos < stored.count {
            let f = ChunkFrame(parsing: stored[pos..<(pos + ChunkFrame.size)])!
            let end = pos + ChunkFrame.size + Int(f.length) + AESGCM.tagSize
            frames.append(Array(stored[pos..<end]))
            pos = end
        }
        return (Array(stored[0..<EncryptedObjectHeader.size]), frames)
    }

    static func code(_ body: () throws -> Void) -> (String, String)? {
        do { try body() } catch let e as QSnapError { return (e.code.identifier, e.message) } catch {
            return ("?", "\(error)")
        }
        return nil
    }

    @Test(arguments: [0, 1, 4095, 4096, 4097, 3 * 4096, 20_000])
    func roundTripsAtEverySize(size: Int) throws {
        let plain = Self.data(size)
        for compression in [ObjectCompression.none, ObjectCompression(algorithm: "zstd", level: 3)] {
            let stored = try Self.seal(plain, compression: compression)
            #expect(try Self.open(stored) == plain)
            #expect(try Self.open(stored, feed: 1) == plain || size > 5000)
            let (_, frames) = Self.frames(stored)
            #expect(ChunkFrame(parsing: frames.last![0..<16])!.isFinal)
            #expect(frames.dropLast().allSatisfy { !ChunkFrame(parsing: $0[0..<16])!.isFinal })
        }
    }

    @Test func storedBytesHoldNoPlaintextAndDifferPerObject() throws {
        let plain = Array(String(repeating: "QSNAP-CANARY ", count: 2000).utf8)
        let a = try Self.seal(plain), b = try Self.seal(plain)
        #expect(a != b, "a fresh salt and nonce prefix per object")
        let needle = Array("QSNAP-CANARY".utf8)
        #expect(!a.indices.dropLast(needle.count).contains { Array(a[$0..<($0 + needle.count)]) == needle })
        let zstd = try Self.seal(plain, compression: ObjectCompression(algorithm: "zstd", level: 3))
        #expect(zstd.count < plain.count / 10)
        #expect(try Self.open(zstd) == plain)
    }

    @Test func aFlippedByteFailsAtItsChunk() throws {
        let stored = try Self.seal(Self.data(5 * Self.chunk))
        let (header, frames) = Self.frames(stored)
        for target in 0..<frames.count {
            var f = frames
            f[target][ChunkFrame.size + 10] ^= 0x40
            let damaged = header + f.joined()
            let (code, message) = try #require(Self.code { _ = try Self.open(damaged) })
            #expect(code == "crypto.tampered")
            #expect(message.contains("chunk \(target) "), "\(message)")
        }
        var h = header
        h[20] ^= 1  // the salt: every chunk's key changes
        #expect(Self.code { _ = try Self.open(h + frames.joined()) }?.0 == "crypto.tampered")
        var t = frames
        t[2][ChunkFrame.size + Int(ChunkFrame(parsing: t[2][0..<16])!.length) + 3] ^= 1  // the tag
        #expect(Self.code { _ = try Self.open(header + t.joined()) }?.1.contains("chunk 2 ") == true)
    }

    @Test func droppedSwappedTruncatedAndTrailingEachHaveTheirCode() throws {
        let stored = try Self.seal(Self.data(5 * Self.chunk + 100))
        let (header, frames) = Self.frames(stored)
        var dropped = frames
        dropped.remove(at: 2)
        let drop = try #require(Self.code { _ = try Self.open(header + dropped.joined()) })
        #expect(drop.0 == "crypto.chunk-missing" && drop.1.contains("chunk 2 is missing"), "\(drop)")
        var twoDropped = frames
        twoDropped.removeSubrange(1...2)
        #expect(
            Self.code { _ = try Self.open(header + twoDropped.joined()) }?.1.contains("chunks 1…2 are missing") == true)

        var swapped = frames
        swapped.swapAt(1, 2)
        let swap = try #require(Self.code { _ = try Self.open(header + swapped.joined()) })
        #expect(swap.0 == "crypto.chunk-reordered" && swap.1.contains("chunks 1 and 2 are swapped"), "\(swap)")
        var repeated = frames
        repeated[3] = frames[1]
        #expect(Self.code { _ = try Self.open(header + repeated.joined()) }?.0 == "crypto.chunk-reordered")

        let withoutFinal = header + frames.dropLast().joined()
        let trunc = try #require(Self.code { _ = try Self.open(withoutFinal) })
        #expect(trunc.0 == "crypto.truncated" && trunc.1.contains("truncated at chunk \(frames.count - 1)"), "\(trunc)")
        let cut = Array(stored.dropLast(5))
        #expect(Self.code { _ = try Self.open(cut) }?.0 == "crypto.truncated")
        #expect(Self.code { _ = try Self.open(Array(stored.prefix(10))) }?.0 == "crypto.truncated")

        let trailing = stored + frames[0]
        #expect(Self.code { _ = try Self.open(trailing) }?.0 == "crypto.trailing-data")
    }

    @Test func theObjectIsBoundToItsKeyAndTheMasterKey() throws {
        let stored = try Self.seal(Self.data(100))
        let moved = try #require(Self.code { _ = try Self.open(stored, identity: "backups/other/objects/x") })
        #expect(moved.0 == "crypto.tampered" && moved.1.contains("chunk 0 "))
        let other = ObjectDecryptor(
            master: MasterKey(bytes: [UInt8](repeating: 9, count: 32)), identity: Self.identity,
            label: "obj", chunkSize: Self.chunk)
        #expect(throws: QSnapError.self) { try stored.withUnsafeBytes { try other.push($0) { _ in } } }
        #expect(
            Self.code { _ = try Self.open(Array("plain tar bytes, not encrypted at all.....".utf8)) }?.0
                == "crypto.not-encrypted")
    }

    @Test func framesAndHeadersEncodeAsDocumented() throws {
        let f = ChunkFrame(index: 0x0102, length: 0x0304, isFinal: true)
        #expect(f.bytes == [0, 0, 0, 0, 0, 0, 1, 2, 0, 0, 3, 4, 1, 0, 0, 0])
        #expect(ChunkFrame(parsing: f.bytes[...]) == f)
        #expect(ChunkFrame(parsing: ([UInt8](repeating: 0, count: 12) + [2, 0, 0, 0])[...]) == nil)
        let h = EncryptedObjectHeader(
            compression: .zstd, keySalt: [UInt8](repeating: 1, count: 16),
            noncePrefix: [9, 8, 7, 6])
        #expect(h.bytes.count == 32 && Array(h.bytes[0..<8]) == Array("QSNAPENC".utf8) && h.bytes[9] == 1)
        #expect(try EncryptedObjectHeader(parsing: h.bytes[...], label: "x") == h)
        #expect(h.nonce(chunk: 5) == [9, 8, 7, 6, 0, 0, 0, 0, 0, 0, 0, 5])
    }
}
