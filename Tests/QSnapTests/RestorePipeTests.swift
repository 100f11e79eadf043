import Foundation
import Testing

@testable import QSnap

@Suite struct RestorePipeTests {
    /// Reads everything from a pipe into an array, in small pieces.
    func drain(_ pipe: ByteStreamPipe, chunk: Int = 7) throws -> [UInt8] {
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: chunk)
        while true {
            let n = try buffer.withUnsafeMutableBytes { try pipe.read(into: $0) }
            if n == 0 { return out }
            out += buffer[0..<n]
        }
    }

    @Test func bytesArriveInOrderWithBoundedBuffering() throws {
        let pipe = ByteStreamPipe(limit: 64)
        let data = (0..<10_000).map { UInt8($0 % 251) }
        let producer = Thread {
            var i = 0
            while i < data.count {
                let end = min(i + 33, data.count)
                try! data[i..<end].withUnsafeBytes { try pipe.write($0) }
                i = end
            }
            pipe.finish(nil)
        }
        producer.start()
        #expect(try drain(pipe) == data)
    }

    @Test func producerFailureReachesTheReader() throws {
        struct Boom: Error {}
        let pipe = ByteStreamPipe(limit: 64)
        try [UInt8](repeating: 1, count: 10).withUnsafeBytes { try pipe.write($0) }
        pipe.finish(Boom())
        var buffer = [UInt8](repeating: 0, count: 100)
        #expect(try buffer.withUnsafeMutableBytes { try pipe.read(into: $0) } == 10)
        #expect(throws: Boom.self) { try buffer.withUnsafeMutableBytes { try pipe.read(into: $0) } }
    }

    @Test func cancelUnblocksAFullProducer() throws {
        let pipe = ByteStreamPipe(limit: 8)
        let done = DispatchSemaphore(value: 0)
        let failed = LockedFlag()
        let producer = Thread {
            do {
                for _ in 0..<10 { try [UInt8](repeating: 2, count: 8).withUnsafeBytes { try pipe.write($0) } }
            } catch is CancellationError {
                failed.set()
            } catch {}
            done.signal()
        }
        producer.start()
        Thread.sleep(forTimeInterval: 0.1)
        pipe.cancel()
        #expect(done.wait(timeout: .now() + 5) == .success)
        #expect(failed.value)
    }
}

/// A thread-safe boolean for the tests.
private final class LockedFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var flag = false
    func set() { lock.withLock { flag = true } }
    var value: Bool { lock.withLock { flag } }
}
