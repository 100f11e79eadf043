import Foundation
import QSnapCore
import QSnapTestSupport
import Synchronization
import Testing

@testable import S3

/// The wire shape of server-side copies (a loopback server records the requests; the integration suite copies on
/// real stores).
@Suite struct S3ClientCopyTests {
    static func xml(_ text: String) -> [UInt8] { Array(text.utf8) }
    static let source = S3ObjectReference(bucket: "nodes", key: "snapshots/docs/docs 1+2.snapshot")

    @Test func aSmallObjectIsOneCopyObjectNamingItsEncodedSource() async throws {
        let server = try LoopbackServer { _ in
            .init(status: 200, body: Self.xml("<CopyObjectResult><ETag>\"c1\"</ETag></CopyObjectResult>"))
        }
        defer { server.stop() }
        let result = try await S3ClientTests.client(port: server.port)
            .copyObject(from: Self.source, size: 100, to: "backups/b/o.snapshot", partSize: 5 << 20)
        #expect(result.etag == "c1")
        #expect(result.partCount == 1)
        let r = try #require(server.requests.first)
        #expect(r.method == "PUT")
        #expect(r.target == "/bkt/backups/b/o.snapshot")
        #expect(r.header("x-amz-copy-source") == "/nodes/snapshots/docs/docs%201%2B2.snapshot")
        #expect(r.header("Authorization")?.contains("x-amz-copy-source") == true)
        #expect(r.body.isEmpty)
    }

    @Test func anErrorInsideA200CopyIsAnError() async throws {
        let server = try LoopbackServer { _ in
            .init(status: 200, body: Self.xml("<Error><Code>AccessDenied</Code><Message>no</Message></Error>"))
        }
        defer { server.stop() }
        await #expect(throws: S3Error.self) {
            try await S3ClientTests.client(port: server.port, attempts: 1)
                .copyObject(from: Self.source, size: 100, to: "o", partSize: 5 << 20)
        }
    }

    @Test func aLargerObjectIsCopiedInRangesAndCompleted() async throws {
        let mib: Int64 = 1 << 20
        let server = try LoopbackServer { request in
            if request.target.contains("uploads") && request.method == "POST" {
                return .init(
                    body: Self.xml(
                        "<InitiateMultipartUploadResult><UploadId>U1</UploadId></InitiateMultipartUploadResult>"))
            }
            if request.method == "PUT" {
                let n = request.target.components(separatedBy: "partNumber=").last?.prefix { $0.isNumber } ?? "?"
                return .init(body: Self.xml("<CopyPartResult><ETag>\"p\(n)\"</ETag></CopyPartResult>"))
            }
            return .init(
                body: Self.xml("<CompleteMultipartUploadResult><ETag>\"m-3\"</ETag></CompleteMultipartUploadResult>"))
        }
        defer { server.stop() }
        let size = 12 * mib + 1
        let result = try await S3ClientTests.client(port: server.port).copyObject(
            from: Self.source, size: size, to: "o", partSize: 5 * mib)
        #expect(result.etag == "m-3")
        #expect(result.partCount == 3)
        let requests = server.requests
        #expect(requests.first?.header("x-amz-checksum-algorithm") == nil)  // the parts are the store's own bytes
        let ranges = requests.filter { $0.method == "PUT" }.map { $0.header("x-amz-copy-source-range") ?? "" }
        #expect(
            ranges == ["bytes=0-\(5 * mib - 1)", "bytes=\(5 * mib)-\(10 * mib - 1)", "bytes=\(10 * mib)-\(size - 1)"])
        let complete = String(decoding: try #require(requests.last).body, as: UTF8.self)
        #expect(complete.contains("<PartNumber>3</PartNumber><ETag>\"p3\"</ETag>"))
    }

    @Test func aStoreWithoutUploadPartCopyGetsOneCopyObject() async throws {
        let server = try LoopbackServer { request in
            if request.target.contains("uploads") && request.method == "POST" {
                return .init(
                    body: Self.xml(
                        "<InitiateMultipartUploadResult><UploadId>U1</UploadId></InitiateMultipartUploadResult>"))
            }
            if request.method == "PUT" && request.target.contains("partNumber") {
                return .init(status: 501, body: Self.xml("<Error><Code>NotImplemented</Code></Error>"))
            }
            if request.method == "DELETE" { return .init(status: 204) }
            return .init(body: Self.xml("<CopyObjectResult><ETag>\"whole\"</ETag></CopyObjectResult>"))
        }
        defer { server.stop() }
        let result = try await S3ClientTests.client(port: server.port, attempts: 1).copyObject(
            from: Self.source, size: 11 << 20, to: "o", partSize: 5 << 20)
        #expect(result.etag == "whole")
        let methods = server.requests.map(\.method)
        #expect(methods == ["POST", "PUT", "DELETE", "PUT"])  // start, refused part, abort, one CopyObject
    }
}
