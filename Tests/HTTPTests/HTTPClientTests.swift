import Foundation
import QSnapCore
import QSnapTestSupport
import Synchronization
import Testing

@testable import HTTP

@Suite struct HTTPClientTests {
    @Test func getReturnsStatusHeadersAndBody() async throws {
        let server = try LoopbackServer { _ in
            .init(status: 200, headers: [("X-Test", "yes")], body: Array("hello".utf8))
        }
        defer { server.stop() }
        let response = try await HTTPClient().execute(
            HTTPRequest(method: "GET", url: "http://127.0.0.1:\(server.port)/a%20b/./c"))
        #expect(response.status == 200)
        #expect(response.header("x-test") == "yes")
        #expect(response.bodyText == "hello")
        #expect(server.requests.first?.target == "/a%20b/./c", "the path is sent exactly as given")
    }

    @Test func putSendsBytesWithLengthAndNoExpect() async throws {
        let server = try LoopbackServer { _ in .init(status: 201) }
        defer { server.stop() }
        let payload = (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let request = HTTPRequest(
            method: "PUT", url: "http://127.0.0.1:\(server.port)/k",
            headers: [HTTPHeader(name: "x-amz-meta-a", value: "1")])
        let response = try await HTTPClient().execute(request, body: .bytes(payload))
        #expect(response.status == 201)
        let got = try #require(server.requests.first)
        #expect(got.method == "PUT")
        #expect(got.body == payload)
        #expect(got.header("Content-Length") == "300000")
        #expect(got.header("Expect") == nil)
        #expect(got.header("x-amz-meta-a") == "1")
    }

    @Test func fileRangeBodyAndPost() async throws {
        let server = try LoopbackServer { _ in .init(status: 200) }
        defer { server.stop() }
        let path = NSTemporaryDirectory() + "qsnap-http-\(getpid()).bin"
        let content = (0..<100_000).map { UInt8(truncatingIfNeeded: $0) }
        _ = FileManager.default.createFile(atPath: path, contents: Data(content))
        defer { unlink(path) }
        let client = HTTPClient()
        _ = try await client.execute(
            HTTPRequest(method: "POST", url: "http://127.0.0.1:\(server.port)/f"),
            body: .file(path: path, offset: 1000, length: 50_000))
        let got = try #require(server.requests.first)
        #expect(got.method == "POST")
        #expect(got.body == Array(content[1000..<51_000]))
    }

    @Test func streamedBodyAndBodySink() async throws {
        let server = try LoopbackServer { request in .init(status: 200, body: request.body.reversed()) }
        defer { server.stop() }
        var produced = 0
        let total = 70_000
        var sunk: [UInt8] = []
        var order: [String] = []
        let response = try await HTTPClient().execute(
            HTTPRequest(method: "PUT", url: "http://127.0.0.1:\(server.port)/s"),
            body: .stream(length: Int64(total)) { buffer in
                let n = min(buffer.count, total - produced, 4096)
                for i in 0..<n { buffer[i] = UInt8(truncatingIfNeeded: produced + i) }
                produced += n
                return n
            },
            onResponse: { status, _ in order.append("response \(status)") },
            onBody: { chunk in
                if order.last != "body" { order.append("body") }
                sunk += chunk
            })
        #expect(response.body.isEmpty)
        #expect(order == ["response 200", "body"])
        #expect(sunk == (0..<total).map { UInt8(truncatingIfNeeded: $0) }.reversed())
    }

    struct Stop: Error {}

    @Test func aCancelledTaskSendsNothing() async throws {
        let server = try LoopbackServer { _ in .init(status: 200) }
        defer { server.stop() }
        let request = HTTPRequest(method: "GET", url: "http://127.0.0.1:\(server.port)/x")
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await HTTPClient().execute(request)
        }
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(server.requests.isEmpty)
        #expect(try await HTTPClient().execute(request).status == 200)
    }

    @Test func throwingFromTheSinkAbortsAndRethrows() async throws {
        let server = try LoopbackServer { _ in .init(status: 200, body: [UInt8](repeating: 1, count: 100_000)) }
        defer { server.stop() }
        await #expect(throws: Stop.self) {
            _ = try await HTTPClient().execute(
                HTTPRequest(method: "GET", url: "http://127.0.0.1:\(server.port)/x"), onBody: { _ in throw Stop() })
        }
    }

    @Test func connectionRefusedIsARetriableTransportErrorWithoutTheQuery() async throws {
        let server = try LoopbackServer { _ in .init() }
        let port = server.port
        server.stop()
        let url = "http://127.0.0.1:\(port)/b/k?X-Amz-Credential=AK%2F&X-Amz-Signature=deadbeef"
        do {
            _ = try await HTTPClient().execute(HTTPRequest(method: "GET", url: url, timeout: 5))
            Issue.record("expected a transport error")
        } catch let error as HTTPError {
            #expect(error.code == .transport)
            #expect(error.isRetriableTransportFailure)
            #expect(!error.message.contains("deadbeef"))
            #expect(error.message.hasPrefix("GET http://127.0.0.1:\(port)/b/k"))
            #expect((error.cause as? HTTPTransportError)?.curlCode == 7)
        }
    }

    @Test func transportErrorClassification() {
        #expect(HTTPTransportError(curlCode: 56, curlMessage: "reset").isRetriable)
        #expect(HTTPTransportError(curlCode: 28, curlMessage: "timeout").isTimeout)
        #expect(!HTTPTransportError(curlCode: 3, curlMessage: "malformed").isRetriable)
    }

    @Test func aPooledHandleCarriesNothingOverToTheNextTransfer() async throws {
        // One pooled handle, reused: a streamed PUT with progress, a body sink and its own header, then transfers
        // without any of them. A handle still holding the first transfer's callbacks or their data would call into a
        // freed transfer (a crash, or a report under the address sanitizer) or send its options again.
        let server = try LoopbackServer { request in
            .init(status: request.method == "PUT" ? 200 : 404, body: Array("\(request.method) \(request.target)".utf8))
        }
        defer { server.stop() }
        let client = HTTPClient(maxPooledHandles: 1)
        final class Calls: @unchecked Sendable {
            var progress = 0
            var sunk = 0
        }
        let calls = Calls()
        var produced = 0
        let first = try await client.execute(
            HTTPRequest(
                method: "PUT", url: "http://127.0.0.1:\(server.port)/first",
                headers: [HTTPHeader(name: "X-Only-First", value: "1")]),
            body: .stream(length: 50_000) { buffer in
                let n = min(buffer.count, 50_000 - produced)
                produced += n
                return n
            },
            onBody: { calls.sunk += $0.count },
            onProgress: { _, _ in calls.progress += 1 })
        #expect(first.status == 200)
        #expect(calls.sunk == "PUT /first".utf8.count)
        let (progress, sunk) = (calls.progress, calls.sunk)
        for i in 0..<3 {
            let next = try await client.execute(
                HTTPRequest(method: "GET", url: "http://127.0.0.1:\(server.port)/next\(i)"))
            #expect(next.status == 404)
            #expect(next.bodyText == "GET /next\(i)")
        }
        #expect(calls.progress == progress, "the first transfer's progress callback is not called again")
        #expect(calls.sunk == sunk, "nor its body sink")
        let requests = server.requests
        #expect(requests.count == 4)
        for request in requests.dropFirst() {
            #expect(request.method == "GET")
            #expect(request.header("X-Only-First") == nil)
            #expect(request.header("Content-Length") == nil)
            #expect(request.body.isEmpty)
        }
    }
}
