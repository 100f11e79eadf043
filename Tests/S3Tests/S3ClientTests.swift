import Foundation
import QSnapCore
import QSnapTestSupport
import Synchronization
import Testing

@testable import S3

@Suite struct S3ClientTests {
    static let secret = "unit-test-secret-value"

    static func client(port: Int, attempts: Int = 5, style: S3Configuration.AddressingStyle = .path) throws -> S3Client
    {
        try S3Client(
            configuration: S3Configuration(
                endpoint: "http://127.0.0.1:\(port)", region: "us-east-1", addressingStyle: style, bucket: "bkt",
                credentials: SigV4Credentials(accessKeyID: "AKUNIT", secretAccessKey: secret),
                retryPolicy: RetryPolicy(maxAttempts: attempts, baseDelay: 0.001, maxDelay: 0.01)))
    }

    static func xml(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test func aCancelledGetStopsWhileStalledAndIsNotRetried() async throws {
        // The store holds its answer back; without the cancellation the GET would wait out the low-speed timeout
        // (60 s) and then be retried.
        let release = DispatchSemaphore(value: 0)
        let server = try LoopbackServer { _ in
            _ = release.wait(timeout: .now() + 30)
            return .init(status: 200, headers: [("ETag", "\"e1\"")], body: [1, 2, 3])
        }
        defer {
            release.signal()
            server.stop()
        }
        let client = try Self.client(port: server.port)
        let get = Task { try await client.getObject(key: "backups/o.snapshot") { _ in } }
        // Cancel once the store holds the request (a loaded machine may take a while to send it).
        let deadline = Date().addingTimeInterval(30)
        while server.requests.isEmpty, Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        try await Task.sleep(for: .milliseconds(200))
        let started = Date()
        get.cancel()
        await #expect(throws: CancellationError.self) { try await get.value }
        #expect(Date().timeIntervalSince(started) < 5)
        #expect(server.requests.count == 1)
    }

    @Test func slowDownIsRetriedWithAFreshSignature() async throws {
        let count = Mutex(0)
        let server = try LoopbackServer { _ in
            let n = count.withLock {
                $0 += 1; return $0
            }
            if n < 3 { return .init(status: 503, body: Self.xml("<Error><Code>SlowDown</Code></Error>")) }
            return .init(status: 200, headers: [("ETag", "\"e1\"")])
        }
        defer { server.stop() }
        let body = Array("payload".utf8)
        let result = try await Self.client(port: server.port).putObject(key: "a b+c", payload: .bytes(body))
        #expect(result.etag == "e1")
        let requests = server.requests
        #expect(requests.count == 3)
        for r in requests {
            #expect(r.target == "/bkt/a%20b%2Bc")
            #expect(r.body == body)
            #expect(r.header("x-amz-content-sha256") == Digest.sha256Hex(body))
            #expect(r.header("x-amz-checksum-sha256") != nil)
            #expect(r.header("Authorization")?.contains("SignedHeaders=host;x-amz-checksum-sha256;") == true)
        }
    }

    @Test func payloadSigningFollowsTheScheme() throws {
        func configuration(_ endpoint: String, _ signing: S3PayloadSigning) -> S3Configuration {
            var c = S3Configuration(
                endpoint: endpoint, bucket: "bkt", credentials: SigV4Credentials(accessKeyID: "A", secretAccessKey: "S")
            )
            c.payloadSigning = signing
            return c
        }
        #expect(configuration("http://127.0.0.1:9000", .auto).signsPayload)
        #expect(!configuration("https://s3.example", .auto).signsPayload)
        #expect(configuration("https://s3.example", .signed).signsPayload)
        #expect(!configuration("http://127.0.0.1:9000", .unsigned).signsPayload)
        #expect(configuration("https://s3.example", .auto).checksumAlgorithm == .crc32)
        #expect(configuration("http://s3.example", .auto).checksumAlgorithm == .sha256)
    }

    @Test func unsignedPutCarriesCRC32() async throws {
        let server = try LoopbackServer { _ in .init(status: 200, headers: [("ETag", "\"e1\"")]) }
        defer { server.stop() }
        var configuration = try Self.client(port: server.port).configuration
        configuration.payloadSigning = .unsigned
        configuration.sendContentMD5 = true
        let body = Array("payload".utf8)
        try await S3Client(configuration: configuration).putObject(key: "k", payload: .bytes(body))
        let r = try #require(server.requests.first)
        #expect(r.header("x-amz-content-sha256") == "UNSIGNED-PAYLOAD")
        #expect(r.header("x-amz-checksum-crc32") == CRC32.checksum(body).base64)
        #expect(r.header("Content-MD5") == Data(Digest.md5(body)).base64EncodedString())
        #expect(r.header("Authorization")?.contains("SignedHeaders=content-md5;host;x-amz-checksum-crc32;") == true)
    }

    @Test func authenticationErrorsAreNotRetried() async throws {
        let server = try LoopbackServer { _ in
            .init(status: 403, body: Self.xml("<Error><Code>SignatureDoesNotMatch</Code><Message>no</Message></Error>"))
        }
        defer { server.stop() }
        do {
            _ = try await Self.client(port: server.port).listObjectsV2(prefix: "")
            Issue.record("expected an error")
        } catch let error as S3Error {
            #expect(error.code == .auth)
            #expect(error.message.contains("SignatureDoesNotMatch"))
            #expect(!error.description.contains(Self.secret))
        }
        #expect(server.requests.count == 1)
    }

    @Test func clockSkewIsCorrectedFromServerTime() async throws {
        let count = Mutex(0)
        let serverNow = AmzDate(secondsSince1970: Int64(Date().timeIntervalSince1970) + 7200)
        let server = try LoopbackServer { _ in
            let n = count.withLock {
                $0 += 1; return $0
            }
            if n == 1 {
                return .init(
                    status: 403,
                    body: Self.xml(
                        "<Error><Code>RequestTimeTooSkewed</Code><ServerTime>\(serverNow.iso8601)</ServerTime></Error>")
                )
            }
            return .init(status: 204)
        }
        defer { server.stop() }
        try await Self.client(port: server.port, attempts: 1).deleteObject(key: "k")
        let requests = server.requests
        #expect(requests.count == 2)
        let second = try #require(AmzDate(iso8601: requests[1].header("x-amz-date") ?? ""))
        #expect(abs(second.secondsSince1970 - serverNow.secondsSince1970) < 60)
    }

    @Test func completeWithAnErrorInsideA200IsRetried() async throws {
        let count = Mutex(0)
        let server = try LoopbackServer { _ in
            let n = count.withLock {
                $0 += 1; return $0
            }
            if n == 1 { return .init(status: 200, body: Self.xml("<Error><Code>InternalError</Code></Error>")) }
            return .init(
                status: 200,
                body: Self.xml("<CompleteMultipartUploadResult><ETag>\"abc-2\"</ETag></CompleteMultipartUploadResult>"))
        }
        defer { server.stop() }
        let etag = try await Self.client(port: server.port).completeMultipartUpload(
            key: "k", uploadID: "u1",
            parts: [S3Part(partNumber: 2, etag: "b", size: 1), S3Part(partNumber: 1, etag: "a", size: 5)])
        #expect(etag == "abc-2")
        let body = String(decoding: server.requests[1].body, as: UTF8.self)
        #expect(
            body.range(of: "<PartNumber>1</PartNumber>")!.lowerBound
                < body.range(of: "<PartNumber>2</PartNumber>")!.lowerBound)
        #expect(server.requests[1].target == "/bkt/k?uploadId=u1")
    }

    @Test func notFoundIsAClearError() async throws {
        let server = try LoopbackServer { _ in
            .init(status: 404, body: Self.xml("<Error><Code>NoSuchKey</Code></Error>"))
        }
        defer { server.stop() }
        let client = try Self.client(port: server.port)
        await #expect(try client.headObject(key: "missing") == nil)
        await #expect(throws: S3Error.self) { try await client.getObject(key: "missing") { _ in } }
    }

    @Test func addressingStyles() throws {
        let path = try Self.client(port: 9000)
        #expect(path.host == "127.0.0.1:9000")
        #expect(path.encodedPath("dir/ü x") == "/bkt/dir/%C3%BC%20x")
        #expect(path.encodedPath(nil) == "/bkt")
        let virtual = try Self.client(port: 9000, style: .virtualHosted)
        #expect(virtual.host == "bkt.127.0.0.1:9000")
        #expect(virtual.encodedPath("k") == "/k")
        #expect(virtual.url(path: "/k", query: "") == "http://bkt.127.0.0.1:9000/k")
    }

    @Test func presignedURL() async throws {
        let url = try await Self.client(port: 9000).presignGET(key: "a b", expires: 900)
        #expect(
            url.hasPrefix("http://127.0.0.1:9000/bkt/a%20b?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKUNIT%2F")
        )
        #expect(url.contains("X-Amz-Expires=900&X-Amz-SignedHeaders=host&X-Amz-Signature="))
        #expect(!url.contains(Self.secret))
        await #expect(throws: S3Error.self) {
            try await Self.client(port: 9000).presignGET(key: "k", expires: 604_801)
        }
    }

    @Test func invalidConfigurationIsAUsageError() {
        #expect(throws: S3Error.self) {
            try S3Client(
                configuration: S3Configuration(
                    endpoint: "ftp://x", bucket: "bkt",
                    credentials: SigV4Credentials(accessKeyID: "a", secretAccessKey: "b")))
        }
        #expect(throws: S3Error.self) {
            try S3Client(
                configuration: S3Configuration(
                    endpoint: "http://x", bucket: "Bad_Bucket!",
                    credentials: SigV4Credentials(accessKeyID: "a", secretAccessKey: "b")))
        }
    }
}
