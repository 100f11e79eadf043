import Foundation
import QSnapCore
import QSnapTestSupport
import Synchronization
import Testing

@testable import S3

/// S3Client with a refreshing credential provider and a store that rejects flexible checksums (loopback store).
@Suite struct S3ClientCredentialsAndChecksumTests {
    static func xml(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test func expiredTokenFetchesNewCredentialsAndSignsAgain() async throws {
        let server = try LoopbackServer { request in
            if request.header("Authorization")?.contains("Credential=ASIA1/") == true {
                return .init(
                    status: 400, body: Self.xml("<Error><Code>ExpiredToken</Code><Message>expired</Message></Error>"))
            }
            return .init(status: 200, headers: [("ETag", "\"e1\"")])
        }
        defer { server.stop() }
        let fetches = Mutex(0)
        let provider = AWSCredentialProvider(source: .container(.init(url: "http://127.0.0.1:1/x", authorization: nil)))
        { _, _ in
            let n = fetches.withLock {
                $0 += 1; return $0
            }
            return AWSTemporaryCredentials(
                credentials: SigV4Credentials(accessKeyID: "ASIA\(n)", secretAccessKey: "s\(n)", sessionToken: "t\(n)"),
                expiration: Int64(Date().timeIntervalSince1970) + 3600, obtainedAt: Int64(Date().timeIntervalSince1970))
        }
        let client = try S3Client(
            configuration: S3Configuration(
                endpoint: "http://127.0.0.1:\(server.port)", bucket: "bkt", credentialProvider: provider))
        _ = try await client.putObject(key: "k", payload: .bytes([1, 2, 3]))
        let requests = server.requests
        #expect(requests.count == 2)
        #expect(requests[1].header("Authorization")?.contains("Credential=ASIA2/") == true)
        #expect(requests[1].header("x-amz-security-token") == "t2")
    }

    @Test func rejectedChecksumHeadersFallBackToContentMD5() async throws {
        let server = try LoopbackServer { request in
            if request.headers.contains(where: {
                $0.name.lowercased().hasPrefix("x-amz-checksum")
                    || $0.name.lowercased() == "x-amz-sdk-checksum-algorithm"
            }) {
                return .init(
                    status: 400,
                    body: Self.xml(
                        "<Error><Code>InvalidArgument</Code><Message>Unsupported header 'x-amz-sdk-checksum-algorithm' received for this API call.</Message></Error>"
                    ))
            }
            return .init(status: 200, headers: [("ETag", "\"e1\"")])
        }
        defer { server.stop() }
        let client = try S3Client(
            configuration: S3Configuration(
                endpoint: "http://127.0.0.1:\(server.port)", bucket: "bkt",
                credentials: SigV4Credentials(accessKeyID: "AK", secretAccessKey: "secret")))
        let body = Array("payload".utf8)
        _ = try await client.putObject(key: "a", payload: .bytes(body))
        _ = try await client.putObject(key: "b", payload: .bytes(body))
        let requests = server.requests
        #expect(requests.count == 3)  // one rejection, then Content-MD5 from the start
        #expect(client.fellBackToContentMD5)
        let md5 = Data(Digest.md5(body)).base64EncodedString()
        for r in requests.dropFirst() {
            #expect(r.header("Content-MD5") == md5)
            #expect(r.header("x-amz-sdk-checksum-algorithm") == nil)
        }
    }

    @Test func aChecksumMismatchIsNotAFallback() async throws {
        let server = try LoopbackServer { _ in
            .init(
                status: 400,
                body: Self.xml(
                    "<Error><Code>BadDigest</Code><Message>The CRC32 you specified did not match.</Message></Error>"))
        }
        defer { server.stop() }
        let client = try S3Client(
            configuration: S3Configuration(
                endpoint: "http://127.0.0.1:\(server.port)", bucket: "bkt",
                credentials: SigV4Credentials(accessKeyID: "AK", secretAccessKey: "secret")))
        await #expect(throws: S3Error.self) { try await client.putObject(key: "a", payload: .bytes([1])) }
        #expect(!client.fellBackToContentMD5)
    }
}
