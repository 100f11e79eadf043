import QSnapCore
import Testing

@testable import Qdrant

@Suite struct MultipartBodyReaderTests {
    /// A source handing out `data` in pieces of at most `piece` bytes.
    final class Source {
        let data: [UInt8]
        let piece: Int
        var offset = 0
        init(_ data: [UInt8], piece: Int) {
            self.data = data
            self.piece = piece
        }
        func read(_ buffer: UnsafeMutableRawBufferPointer) throws -> Int {
            let n = min(buffer.count, piece, data.count - offset)
            for i in 0..<n { buffer[i] = data[offset + i] }
            offset += n
            return n
        }
    }

    /// Drains a reader with buffers of `chunk` bytes.
    func drain(_ reader: MultipartBodyReader, chunk: Int) throws -> [UInt8] {
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: chunk)
        while true {
            let n = try buffer.withUnsafeMutableBytes { try reader.read(into: $0) }
            if n == 0 { return out }
            out += buffer[0..<n]
        }
    }

    let framing = try! MultipartUpload(fileName: "s.snapshot", boundary: "xyz")
    let payload = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 * 7) }

    @Test(arguments: [(1, 1), (7, 3), (64, 1000), (65_536, 65_536), (100, 100_000)])
    func bodyIsFramedWithKnownLength(_ chunk: Int, _ piece: Int) throws {
        let source = Source(payload, piece: piece)
        let reader = MultipartBodyReader(framing: framing, length: Int64(payload.count), read: source.read)
        let out = try drain(reader, chunk: chunk)
        #expect(out == framing.prefix + payload + framing.suffix)
        #expect(Int64(out.count) == framing.totalLength(bodyLength: Int64(payload.count)))
        #expect(reader.bodyBytes == Int64(payload.count))
    }

    @Test(arguments: [1, 5, 4096])
    func bodyIsFramedWithUnknownLength(_ chunk: Int) throws {
        let source = Source(payload, piece: 333)
        let reader = MultipartBodyReader(framing: framing, length: nil, read: source.read)
        #expect(try drain(reader, chunk: chunk) == framing.prefix + payload + framing.suffix)
    }

    @Test func emptyBody() throws {
        let reader = MultipartBodyReader(framing: framing, length: 0, read: Source([], piece: 1).read)
        #expect(try drain(reader, chunk: 16) == framing.prefix + framing.suffix)
    }

    @Test func shortSourceFails() {
        let reader = MultipartBodyReader(framing: framing, length: 20_000, read: Source(payload, piece: 999).read)
        #expect {
            _ = try drain(reader, chunk: 4096)
        } throws: { ($0 as? QSnapError)?.code == .failure("qdrant.upload-length") }
    }

    @Test func longSourceFails() {
        let reader = MultipartBodyReader(framing: framing, length: 9_999, read: Source(payload, piece: 999).read)
        #expect {
            _ = try drain(reader, chunk: 4096)
        } throws: { ($0 as? QSnapError)?.message.contains("longer") == true }
    }

    @Test func sourceErrorsPassThrough() {
        struct Boom: Error {}
        let reader = MultipartBodyReader(framing: framing, length: nil) { _ in throw Boom() }
        #expect(throws: Boom.self) { _ = try drain(reader, chunk: 4096) }
    }
}
