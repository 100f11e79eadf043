import QSnapCore
import Synchronization
import Testing

@testable import Qdrant

@Suite struct MultipartBodyProducerTests {
    /// A source handing out `data` in pieces of at most `piece` bytes.
    final class Source: Sendable {
        let data: [UInt8]
        let piece: Int
        let offset = Mutex(0)
        init(_ data: [UInt8], piece: Int) {
            self.data = data
            self.piece = piece
        }
        func next() -> [UInt8]? {
            offset.withLock { offset in
                guard offset < data.count else { return nil }
                let n = min(piece, data.count - offset)
                defer { offset += n }
                return Array(data[offset..<offset + n])
            }
        }
    }

    /// Drains a producer.
    func drain(_ producer: MultipartBodyProducer) async throws -> [UInt8] {
        var out: [UInt8] = []
        while let chunk = try await producer.next() { out += chunk }
        return out
    }

    let framing = try! MultipartUpload(fileName: "s.snapshot", boundary: "xyz")
    let payload = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 * 7) }

    @Test(arguments: [1, 3, 1000, 100_000])
    func bodyIsFramedWithKnownLength(_ piece: Int) async throws {
        let source = Source(payload, piece: piece)
        let producer = MultipartBodyProducer(framing: framing, length: Int64(payload.count)) { source.next() }
        let out = try await drain(producer)
        #expect(out == framing.prefix + payload + framing.suffix)
        #expect(Int64(out.count) == framing.totalLength(bodyLength: Int64(payload.count)))
    }

    @Test func bodyIsFramedWithUnknownLength() async throws {
        let source = Source(payload, piece: 333)
        let producer = MultipartBodyProducer(framing: framing, length: nil) { source.next() }
        #expect(try await drain(producer) == framing.prefix + payload + framing.suffix)
    }

    @Test func emptyBody() async throws {
        let producer = MultipartBodyProducer(framing: framing, length: 0) { nil }
        #expect(try await drain(producer) == framing.prefix + framing.suffix)
    }

    @Test func shortSourceFails() async {
        let source = Source(payload, piece: 999)
        let producer = MultipartBodyProducer(framing: framing, length: 20_000) { source.next() }
        await #expect {
            _ = try await drain(producer)
        } throws: { ($0 as? QdrantError)?.code == .uploadLength }
        #expect((producer.failure as? QdrantError)?.code == .uploadLength)
    }

    @Test func longSourceFails() async {
        let source = Source(payload, piece: 999)
        let producer = MultipartBodyProducer(framing: framing, length: 9_999) { source.next() }
        await #expect {
            _ = try await drain(producer)
        } throws: { ($0 as? QdrantError)?.message.contains("longer") == true }
    }

    @Test func nothingIsProducedBeforeTheFirstBodyBytes() async throws {
        struct Boom: Error {}
        let producer = MultipartBodyProducer(framing: framing, length: nil) { throw Boom() }
        await #expect(throws: Boom.self) { _ = try await producer.next() }
        let source = Source(payload, piece: 100)
        let framed = MultipartBodyProducer(framing: framing, length: nil) { source.next() }
        #expect(try await framed.next() == framing.prefix + Array(payload[0..<100]))
    }

    @Test func sourceErrorsPassThrough() async {
        struct Boom: Error {}
        let producer = MultipartBodyProducer(framing: framing, length: nil) { throw Boom() }
        await #expect(throws: Boom.self) { _ = try await drain(producer) }
        #expect(producer.failure is Boom)
    }
}
