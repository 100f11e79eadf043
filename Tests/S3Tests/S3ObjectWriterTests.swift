import Foundation
import QSnapCore
import QSnapTestSupport
import Synchronization
import Testing

@testable import S3

/// The writer against a minimal multipart server: parts, order, bounded buffers, single-PUT shortcut, resume.
@Suite struct S3ObjectWriterTests {
    final class FakeMultipart: Sendable {
        let parts = Mutex<[Int: [UInt8]]>([:])
        /// The `x-amz-checksum-*` header each part carried, listed back by ListParts as S3 does.
        let checksums = Mutex<[Int: (name: String, value: String)]>([:])
        let objects = Mutex<[String: [UInt8]]>([:])
        /// Parts with a higher number are refused (403, not retried): the store cuts the upload off, as a revoked
        /// key or a killed connection would, after this many parts.
        let acceptedParts = Mutex<Int>(.max)

        func handle(_ r: LoopbackServer.Request) -> LoopbackServer.Response {
            let query = r.target.split(separator: "?").dropFirst().first.map(String.init) ?? ""
            if r.method == "POST" && query.hasPrefix("uploads") {
                return .init(
                    status: 200,
                    body: Array(
                        "<InitiateMultipartUploadResult><UploadId>U1</UploadId></InitiateMultipartUploadResult>".utf8))
            }
            if r.method == "PUT",
                let n = query.split(separator: "&").first(where: { $0.hasPrefix("partNumber=") }).flatMap({
                    Int($0.dropFirst(11))
                })
            {
                guard n <= acceptedParts.withLock({ $0 }) else {
                    return .init(
                        status: 403,
                        body: Array("<Error><Code>AccessDenied</Code><Message>cut off</Message></Error>".utf8))
                }
                parts.withLock { $0[n] = r.body }
                if let h = r.headers.first(where: { $0.name.lowercased().hasPrefix("x-amz-checksum-") }) {
                    checksums.withLock { $0[n] = (h.name.lowercased(), h.value) }
                }
                return .init(status: 200, headers: [("ETag", "\"\(Hex.encode(Digest.md5(r.body)))\"")])
            }
            if r.method == "GET" && query.contains("uploadId") {
                let listed = parts.withLock { p in
                    p.keys.sorted().map { n in
                        let sum =
                            checksums.withLock { $0[n] }.map { c in
                                c.name == "x-amz-checksum-crc32"
                                    ? "<ChecksumCRC32>\(c.value)</ChecksumCRC32>"
                                    : "<ChecksumSHA256>\(c.value)</ChecksumSHA256>"
                            } ?? ""
                        return
                            "<Part><PartNumber>\(n)</PartNumber><ETag>\"\(Hex.encode(Digest.md5(p[n]!)))\"</ETag><Size>\(p[n]!.count)</Size>\(sum)</Part>"
                    }.joined()
                }
                return .init(
                    status: 200,
                    body: Array("<ListPartsResult><IsTruncated>false</IsTruncated>\(listed)</ListPartsResult>".utf8))
            }
            if r.method == "POST" && query.hasPrefix("uploadId") {
                let whole = parts.withLock { p in p.keys.sorted().flatMap { p[$0]! } }
                objects.withLock { $0[r.target.components(separatedBy: "?")[0]] = whole }
                return .init(
                    status: 200,
                    body: Array(
                        "<CompleteMultipartUploadResult><ETag>\"m-\(parts.withLock { $0.count })\"</ETag></CompleteMultipartUploadResult>"
                            .utf8))
            }
            if r.method == "PUT" {
                objects.withLock { $0[r.target] = r.body }
                return .init(status: 200, headers: [("ETag", "\"single\"")])
            }
            return .init(status: 400)
        }
    }

    static func client(_ port: Int, signing: S3PayloadSigning = .auto) throws -> S3Client {
        var configuration = S3Configuration(
            endpoint: "http://127.0.0.1:\(port)", bucket: "bkt",
            credentials: SigV4Credentials(accessKeyID: "AK", secretAccessKey: "SK-secret"),
            retryPolicy: RetryPolicy(maxAttempts: 2, baseDelay: 0.001, maxDelay: 0.01))
        configuration.payloadSigning = signing
        return try S3Client(configuration: configuration)
    }

    static func data(_ count: Int) -> [UInt8] { (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 2654435761 >> 7) } }

    /// More parts than buffers: with `max(2, concurrency)` buffers the producer reuses sent parts' buffers and every
    /// part still arrives whole and in order.
    @Test(arguments: [1, 2, 4]) func multipartInOrderWithBoundedBuffers(concurrency: Int) async throws {
        let fake = FakeMultipart()
        let server = try LoopbackServer { fake.handle($0) }
        defer { server.stop() }
        let input = Self.data(13 * 1024 * 1024 / 2)  // 6.5 MiB → 7 parts of 1 MiB
        let result = try await S3ObjectWriter.upload(
            client: try Self.client(server.port), key: "obj",
            options: .init(partSize: 1 << 20, concurrency: concurrency)
        ) { writer in
            for start in stride(from: 0, to: input.count, by: 100_000) {
                try await writer.write(Array(input[start..<min(start + 100_000, input.count)]))
            }
        }
        #expect(result.partCount == 7)
        #expect(result.uploadID == "U1")
        #expect(result.size == Int64(input.count))
        #expect(result.etag == "m-7")
        #expect(fake.objects.withLock { $0["/bkt/obj"] } == input)
        #expect(fake.parts.withLock { $0[1]?.count } == 1 << 20)
    }

    @Test func smallObjectIsOnePut() async throws {
        let fake = FakeMultipart()
        let server = try LoopbackServer { fake.handle($0) }
        defer { server.stop() }
        let input = Self.data(1 << 20)  // exactly one part
        let result = try await S3ObjectWriter.upload(
            client: try Self.client(server.port), key: "small", options: .init(partSize: 1 << 20)
        ) { try await $0.write(input) }
        #expect(result.uploadID == nil && result.etag == "single")
        #expect(fake.objects.withLock { $0["/bkt/small"] } == input)
        #expect(server.requests.count == 1)
    }

    @Test func stoppedUploadResumesSkippingStoredParts() async throws {
        let fake = FakeMultipart()
        let server = try LoopbackServer { fake.handle($0) }
        defer { server.stop() }
        let client = try Self.client(server.port)
        let input = Self.data(4 << 20)  // 4 parts
        fake.acceptedParts.withLock { $0 = 2 }
        var keep = S3ObjectWriter.Options(partSize: 1 << 20, concurrency: 1)
        keep.keepPartsOnFailure = true
        await #expect(throws: S3ObjectWriter.Interrupted.self) {
            try await S3ObjectWriter.upload(client: client, key: "r", options: keep) { try await $0.write(input) }
        }
        #expect(fake.parts.withLock { $0.count } == 2)
        fake.acceptedParts.withLock { $0 = .max }
        let putsBefore = server.requests.filter { $0.method == "PUT" }.count
        let result = try await S3ObjectWriter.upload(
            client: client, key: "r", options: .init(partSize: 1 << 20, concurrency: 2, resumeUploadID: "U1")
        ) { try await $0.write(input) }
        #expect(result.reusedParts == 2)
        #expect(result.partCount == 4)
        #expect(server.requests.filter { $0.method == "PUT" }.count - putsBefore == 2)
        #expect(fake.objects.withLock { $0["/bkt/r"] } == input)
    }

    /// A refused part fails the upload with the store's error, and the multipart upload is aborted: no parts are
    /// left behind. So is a failure of the producer itself.
    @Test func failureAbortsTheMultipartUpload() async throws {
        let fake = FakeMultipart()
        let server = try LoopbackServer { fake.handle($0) }
        defer { server.stop() }
        let client = try Self.client(server.port)
        let input = Self.data(4 << 20)
        fake.acceptedParts.withLock { $0 = 1 }
        await #expect {
            try await S3ObjectWriter.upload(client: client, key: "a", options: .init(partSize: 1 << 20)) {
                try await $0.write(input)
            }
        } throws: { ($0 as? S3Error)?.code == .accessDenied }
        #expect(server.requests.contains { $0.method == "DELETE" && $0.target.contains("uploadId=U1") })
        struct Boom: Error {}
        fake.acceptedParts.withLock { $0 = .max }
        let deletes = server.requests.filter { $0.method == "DELETE" }.count
        await #expect(throws: Boom.self) {
            try await S3ObjectWriter.upload(client: client, key: "b", options: .init(partSize: 1 << 20)) { writer in
                try await writer.write(Self.data(3 << 20))
                throw Boom()
            }
        }
        #expect(server.requests.filter { $0.method == "DELETE" }.count == deletes + 1)
        #expect(fake.objects.withLock { $0["/bkt/b"] } == nil)
    }

    @Test(arguments: [1, 2, 8]) func wholeFileMappedOrReadTwice(concurrency: Int) async throws {
        // 1 × 1 MiB and 2 × 1 MiB fit the mapping budget (6 parts: more than may be mapped at a time, so the producer
        // waits for unmapped parts); 8 × 4 MiB does not, so those parts are read from the file range.
        let fake = FakeMultipart()
        let server = try LoopbackServer { fake.handle($0) }
        defer { server.stop() }
        let partSize: Int64 = concurrency == 8 ? 4 << 20 : 1 << 20
        let parts = concurrency == 8 ? 3 : 6
        let input = Self.data(Int(partSize) * (parts - 1) + 12345)
        let path = NSTemporaryDirectory() + "qsnap-writer-\(getpid())-\(concurrency).bin"
        _ = FileManager.default.createFile(atPath: path, contents: Data(input))
        defer { unlink(path) }
        let result = try await S3ObjectWriter.upload(
            client: try Self.client(server.port), key: "f", options: .init(partSize: partSize, concurrency: concurrency)
        ) { writer in
            let written = try await writer.write(filePath: path)
            #expect(written == Int64(input.count))
        }
        #expect(result.partCount == parts && result.size == Int64(input.count))
        #expect(fake.objects.withLock { $0["/bkt/f"] } == input)
    }

    @Test func unsignedUploadsCarryCRC32Checksums() async throws {
        let fake = FakeMultipart()
        let server = try LoopbackServer { fake.handle($0) }
        defer { server.stop() }
        let input = Self.data(5 * 1024 * 1024 / 2)  // 3 parts of ≤ 1 MiB
        try await S3ObjectWriter.upload(
            client: try Self.client(server.port, signing: .unsigned), key: "u",
            options: .init(partSize: 1 << 20, concurrency: 2)
        ) { writer in
            #expect(writer.checksum == .crc32)
            try await writer.write(input)
        }
        #expect(fake.objects.withLock { $0["/bkt/u"] } == input)
        let requests = server.requests
        let create = try #require(requests.first { $0.method == "POST" && $0.target.hasSuffix("?uploads=") })
        #expect(create.header("x-amz-checksum-algorithm") == "CRC32")
        let parts = requests.filter { $0.method == "PUT" }
        #expect(parts.count == 3)
        for part in parts {
            #expect(part.header("x-amz-content-sha256") == "UNSIGNED-PAYLOAD")
            #expect(part.header("x-amz-checksum-crc32") == CRC32.checksum(part.body).base64)
            #expect(part.header("x-amz-checksum-sha256") == nil)
            #expect(part.header("x-amz-sdk-checksum-algorithm") == "CRC32")
            #expect(part.header("Authorization")?.contains("x-amz-checksum-crc32") == true)
        }
        let complete = try #require(requests.last { $0.method == "POST" })
        let xml = String(decoding: complete.body, as: UTF8.self)
        for n in 1...3 {
            let body = fake.parts.withLock { $0[n]! }
            #expect(xml.contains("<PartNumber>\(n)</PartNumber>"))
            #expect(xml.contains("<ChecksumCRC32>\(CRC32.checksum(body).base64)</ChecksumCRC32>"))
        }
        #expect(!xml.contains("ChecksumSHA256"))
    }

    @Test func signedUploadsCarrySHA256Checksums() async throws {
        let fake = FakeMultipart()
        let server = try LoopbackServer { fake.handle($0) }
        defer { server.stop() }
        let input = Self.data(3 << 19)  // 2 parts
        try await S3ObjectWriter.upload(
            client: try Self.client(server.port), key: "s", options: .init(partSize: 1 << 20, concurrency: 1)
        ) { writer in
            #expect(writer.checksum == .sha256)  // auto over http:// signs
            try await writer.write(input)
        }
        for part in server.requests.filter({ $0.method == "PUT" }) {
            #expect(part.header("x-amz-content-sha256") == Digest.sha256Hex(part.body))
            #expect(
                part.header("x-amz-checksum-sha256")
                    == Data(Hex.decode(Digest.sha256Hex(part.body))!).base64EncodedString())
            #expect(part.header("x-amz-checksum-crc32") == nil)
        }
    }

    @Test func resumeKeepsTheChecksumTheUploadDeclared() async throws {
        let fake = FakeMultipart()
        let server = try LoopbackServer { fake.handle($0) }
        defer { server.stop() }
        let input = Self.data(3 << 20)  // 3 parts
        fake.acceptedParts.withLock { $0 = 1 }
        var keep = S3ObjectWriter.Options(partSize: 1 << 20, concurrency: 1)
        keep.keepPartsOnFailure = true
        let signed = try Self.client(server.port, signing: .signed)
        await #expect(throws: S3ObjectWriter.Interrupted.self) {
            try await S3ObjectWriter.upload(client: signed, key: "m", options: keep) { try await $0.write(input) }
        }
        fake.acceptedParts.withLock { $0 = .max }
        // Resumed by a client configured for unsigned payloads: the stored parts say SHA-256, so SHA-256 it stays.
        let resumed = try await S3ObjectWriter.upload(
            client: try Self.client(server.port, signing: .unsigned), key: "m",
            options: .init(partSize: 1 << 20, concurrency: 1, resumeUploadID: "U1")
        ) { writer in
            #expect(writer.checksum == .sha256)
            try await writer.write(input)
        }
        #expect(resumed.reusedParts == 1)
        #expect(fake.objects.withLock { $0["/bkt/m"] } == input)
        #expect(fake.checksums.withLock { $0.values.allSatisfy { $0.name == "x-amz-checksum-sha256" } })
    }

    @Test func storedPartIsReusedOnlyWhenItsDigestsMatch() {
        let digests = S3Payload.Digests(
            sha256Hex: nil, sha256Base64: nil, crc32Base64: "AAAAAQ==", md5Base64: nil,
            md5Hex: String(repeating: "a", count: 32))
        let md5 = String(repeating: "a", count: 32)
        let other = String(repeating: "b", count: 32)
        #expect(S3ObjectWriter.isSame(S3Part(partNumber: 1, etag: md5, size: 1, checksumCRC32: "AAAAAQ=="), digests))
        #expect(!S3ObjectWriter.isSame(S3Part(partNumber: 1, etag: md5, size: 1, checksumCRC32: "AAAAAg=="), digests))
        #expect(!S3ObjectWriter.isSame(S3Part(partNumber: 1, etag: other, size: 1, checksumCRC32: "AAAAAQ=="), digests))
        // A store whose ETags are not MD5s (e.g. encrypted objects): the checksum decides.
        #expect(
            S3ObjectWriter.isSame(S3Part(partNumber: 1, etag: "opaque-1", size: 1, checksumCRC32: "AAAAAQ=="), digests))
        // No checksum recorded: the MD5 ETag decides.
        #expect(S3ObjectWriter.isSame(S3Part(partNumber: 1, etag: md5, size: 1), digests))
        #expect(!S3ObjectWriter.isSame(S3Part(partNumber: 1, etag: other, size: 1), digests))
        // A SHA-256 checksum recorded but not computed this time never matches.
        #expect(!S3ObjectWriter.isSame(S3Part(partNumber: 1, etag: md5, size: 1, checksumSHA256: "x"), digests))
    }
}
