import Foundation
import QSnapCore
import QSnapTestSupport
import Synchronization
import Testing

@testable import HTTP

/// The threads of this process, by name (`/proc/self/task/*/comm`).
private func threadNames() -> [String] {
    var tasks: [String] = []
    if let dir = opendir("/proc/self/task") {
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) {
                String(cString: $0.bindMemory(to: CChar.self).baseAddress!)
            }
            if !name.hasPrefix(".") { tasks.append(name) }
        }
        closedir(dir)
    }
    return tasks.map { tid in
        guard let file = fopen("/proc/self/task/\(tid)/comm", "r") else { return "?" }
        defer { fclose(file) }
        var buffer = [CChar](repeating: 0, count: 64)
        guard fgets(&buffer, 64, file) != nil else { return "?" }
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

@Suite(.serialized) struct CurlEventLoopTests {
    @Test func manyConcurrentRequestsShareTheOneLoopThread() async throws {
        let server = try LoopbackServer { request in .init(status: 200, body: Array(request.target.utf8)) }
        defer { server.stop() }
        let client = HTTPClient()
        // Start the loop (and the cooperative pool) first.
        _ = try await client.execute(HTTPRequest(method: "GET", url: "http://127.0.0.1:\(server.port)/warm"))
        let before = threadNames()
        let peak = Atomic<Int>(before.count)
        let sampling = Atomic<Bool>(true)
        let sampler = Task {
            while sampling.load(ordering: .relaxed) {
                let n = threadNames().count
                peak.raise(to: n)
                try? await Task.sleep(for: .milliseconds(5))
            }
        }
        let bodies = try await withThrowingTaskGroup(of: (Int, String).self) { group in
            for i in 0..<200 {
                group.addTask {
                    let response = try await client.execute(
                        HTTPRequest(method: "GET", url: "http://127.0.0.1:\(server.port)/r\(i)", timeout: 30))
                    return (i, response.bodyText)
                }
            }
            var all: [Int: String] = [:]
            for try await (i, body) in group { all[i] = body }
            return all
        }
        sampling.store(false, ordering: .relaxed)
        await sampler.value
        let after = threadNames()
        #expect(bodies.count == 200)
        for i in 0..<200 { #expect(bodies[i] == "/r\(i)") }
        #expect(!after.contains("qsnap-blocking"))
        // Suites running meanwhile start threads of their own (a test server each: a few dozen at most); 200 requests
        // on threads would add 200.
        print(
            "threads: before \(before.count), peak during 200 requests \(peak.load(ordering: .relaxed)), after \(after.count)"
        )
        #expect(peak.load(ordering: .relaxed) < before.count + 100)
        #expect(after.count < before.count + 100)
    }

    @Test func aSlowConsumerPausesTheTransfer() async throws {
        let size = 8 * 1024 * 1024
        let payload = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let server = try LoopbackServer { _ in .init(status: 200, body: payload) }
        defer { server.stop() }
        let response = try await HTTPClient().stream(
            HTTPRequest(method: "GET", url: "http://127.0.0.1:\(server.port)/big", timeout: 60))
        #expect(response.status == 200)
        #expect(response.header("content-length") == "\(size)")
        let transfer = response.body.transfer
        var consumed = 0
        var maxAhead = 0
        var matches = true
        for try await chunk in response.body {
            if chunk != Array(payload[consumed..<consumed + chunk.count]) { matches = false }
            consumed += chunk.count
            let received = transfer.state.withLock { $0.received }
            maxAhead = max(maxAhead, Int(received) - consumed)
            try await Task.sleep(for: .milliseconds(2))
        }
        let (pauses, maxQueued) = transfer.state.withLock { ($0.receivePauses, $0.maxQueued) }
        print("back-pressure: \(pauses) pauses, at most \(maxQueued) bytes queued, \(maxAhead) received ahead")
        #expect(consumed == size)
        #expect(matches)
        #expect(pauses > 0, "the slow consumer paused the transfer")
        // At most the bound plus one of libcurl's writes (its buffer is 256 KiB) waits for the consumer.
        #expect(maxQueued <= CurlTransfer.bound + 256 * 1024)
        #expect(maxAhead <= CurlTransfer.bound + 256 * 1024)
    }

    @Test func cancellingTheTaskAbortsAStalledTransferPromptly() async throws {
        let release = DispatchSemaphore(value: 0)
        let server = try LoopbackServer { _ in
            _ = release.wait(timeout: .now() + 30)
            return .init(status: 200, body: Array("late".utf8))
        }
        defer {
            release.signal()
            server.stop()
        }
        let client = HTTPClient()
        var request = HTTPRequest(method: "GET", url: "http://127.0.0.1:\(server.port)/stalled", timeout: 25)
        request.lowSpeedTime = 20
        let task = Task { try await client.execute(request) }
        try await Task.sleep(for: .milliseconds(300))
        let start = ContinuousClock.now
        task.cancel()
        let result = await task.result
        let elapsed = ContinuousClock.now - start
        print("task cancellation took \(elapsed)")
        #expect(elapsed < .seconds(1))
        #expect(throws: CancellationError.self) { try result.get() }
    }

    @Test func cancellingTheConsumerOfAStreamedBodyAbortsIt() async throws {
        let release = DispatchSemaphore(value: 0)
        let server = try LoopbackServer { _ in
            _ = release.wait(timeout: .now() + 30)
            return .init(status: 200)
        }
        defer {
            release.signal()
            server.stop()
        }
        var request = HTTPRequest(method: "GET", url: "http://127.0.0.1:\(server.port)/stalled", timeout: 25)
        request.lowSpeedTime = 20
        let client = HTTPClient()
        let task = Task { try await client.stream(request) }
        try await Task.sleep(for: .milliseconds(300))
        let start = ContinuousClock.now
        task.cancel()
        let result = await task.result
        #expect(ContinuousClock.now - start < .seconds(1))
        #expect(throws: CancellationError.self) { try result.get() }
    }

    @Test func anAsyncProducerStreamsTheRequestBody() async throws {
        let server = try LoopbackServer { request in .init(status: 200, body: Array("\(request.body.count)".utf8)) }
        defer { server.stop() }
        let total = 3 * 1024 * 1024
        let produced = Atomic<Int>(0)
        let body = HTTPAsyncBody.producer(length: Int64(total)) {
            let done = produced.load(ordering: .relaxed)
            guard done < total else { return nil }
            let n = min(64 * 1024, total - done)
            produced.add(n, ordering: .relaxed)
            if done % (1024 * 1024) == 0 { try await Task.sleep(for: .milliseconds(20)) }
            return [UInt8](repeating: UInt8(truncatingIfNeeded: done / 65536), count: n)
        }
        let response = try await HTTPClient().stream(
            HTTPRequest(method: "PUT", url: "http://127.0.0.1:\(server.port)/up", timeout: 30), body: body)
        #expect(response.status == 200)
        #expect(String(decoding: try await response.body.collect(), as: UTF8.self) == "\(total)")
        let got = try #require(server.requests.first)
        #expect(got.body.count == total)
        #expect(got.body[65536 * 5] == 5)
    }

    /// Chunks larger than what the transfer still has room for (here 700 KiB against a 1 MiB bound) overshoot it;
    /// the producer then waits for libcurl instead of stopping, and the whole body arrives.
    @Test(arguments: [700 * 1024, 1024 * 1024 + 200])
    func chunksThatOvershootTheBoundStillStreamWhole(chunk: Int) async throws {
        let server = try LoopbackServer { request in .init(status: 200, body: Array("\(request.body.count)".utf8)) }
        defer { server.stop() }
        let total = 5 * chunk
        let produced = Atomic<Int>(0)
        let body = HTTPAsyncBody.producer(length: Int64(total)) {
            let done = produced.load(ordering: .relaxed)
            guard done < total else { return nil }
            produced.add(chunk, ordering: .relaxed)
            return [UInt8](repeating: 7, count: chunk)
        }
        let response = try await HTTPClient().stream(
            HTTPRequest(method: "PUT", url: "http://127.0.0.1:\(server.port)/up", timeout: 30), body: body)
        #expect(response.status == 200)
        #expect(String(decoding: try await response.body.collect(), as: UTF8.self) == "\(total)")
    }

    @Test func executeReturnsTheWholeResponseAndMapsErrorsAsPerform() async throws {
        let server = try LoopbackServer { request in .init(status: 201, body: request.body.reversed()) }
        let port = server.port
        let response = try await HTTPClient().execute(
            HTTPRequest(method: "POST", url: "http://127.0.0.1:\(port)/x"), body: .bytes([1, 2, 3]))
        #expect(response.status == 201)
        #expect(response.body == [3, 2, 1])
        server.stop()
        let error = await #expect(throws: HTTPError.self) {
            try await HTTPClient().execute(HTTPRequest(method: "GET", url: "http://127.0.0.1:\(port)/gone", timeout: 5))
        }
        #expect(error?.code == .transport)
        #expect((error?.cause as? HTTPTransportError)?.curlCode == 7)
    }
}

extension Atomic where Value == Int {
    /// Raises the value to `candidate` when larger.
    fileprivate func raise(to candidate: Int) {
        var current = load(ordering: .relaxed)
        while candidate > current {
            let (exchanged, original) = compareExchange(expected: current, desired: candidate, ordering: .relaxed)
            if exchanged { return }
            current = original
        }
    }
}
