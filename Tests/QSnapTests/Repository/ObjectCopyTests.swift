import Foundation
import QSnapCore
import QSnapTestSupport
import S3
import Synchronization
import Testing

@testable import QSnap

/// `qsnap repo cp` and `cat` against a fake S3 bucket: key and destination naming, atomic downloads, uploads.
@Suite struct ObjectCopyTests {
    /// One bucket `bkt` holding objects by key; PUTs store, GETs read, anything else is 404.
    final class FakeBucket: Sendable {
        let objects = Mutex<[String: [UInt8]]>([:])

        func handle(_ request: LoopbackServer.Request) -> LoopbackServer.Response {
            let path = String(request.target.split(separator: "?").first ?? "")
            guard path.hasPrefix("/bkt/") else { return .init(status: 404) }
            let key = String(path.dropFirst("/bkt/".count))
            switch request.method {
            case "PUT":
                objects.withLock { $0[key] = request.body }
                return .init(status: 200, headers: [("ETag", "\"e1\"")])
            case "GET":
                guard let body = objects.withLock({ $0[key] }) else {
                    return .init(
                        status: 404,
                        body: Array("<Error><Code>NoSuchKey</Code><Message>missing</Message></Error>".utf8))
                }
                return .init(status: 200, headers: [("Content-Length", "\(body.count)")], body: body)
            default:
                return .init(status: 400)
            }
        }
    }

    static func copier(_ server: LoopbackServer) throws -> ObjectCopy {
        ObjectCopy(
            client: try S3Client(
                configuration: S3Configuration(
                    endpoint: "http://127.0.0.1:\(server.port)", bucket: "bkt",
                    credentials: SigV4Credentials(accessKeyID: "AK", secretAccessKey: "SK-secret"),
                    retryPolicy: RetryPolicy(maxAttempts: 1))))
    }

    static func temporaryDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("qsnap-cp-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func theLocalEndOfALocation() {
        #expect(ObjectCopy.LocalEnd(.local("/tmp/x")) == .file("/tmp/x"))
        #expect(ObjectCopy.LocalEnd(.standardStream) == .standardStream)
        #expect(ObjectCopy.LocalEnd(.s3(bucket: "b", key: "k")) == nil)
        #expect(ObjectCopy.LocalEnd.standardStream.path == "-")
    }

    @Test func anUploadToAPrefixKeepsTheFileName() {
        #expect(ObjectCopy.uploadKey("backups/", for: .file("/data/a.snapshot")) == "backups/a.snapshot")
        #expect(ObjectCopy.uploadKey("", for: .file("a.snapshot")) == "a.snapshot")
        #expect(ObjectCopy.uploadKey("backups/b.snapshot", for: .file("/data/a.snapshot")) == "backups/b.snapshot")
        #expect(ObjectCopy.uploadKey("in/", for: .standardStream) == "in/-")
    }

    @Test func aDownloadIntoADirectoryKeepsTheObjectName() throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        #expect(ObjectCopy.downloadTarget(.file(directory), for: "a/b.bin") == .file(directory + "/b.bin"))
        #expect(ObjectCopy.downloadTarget(.file(directory + "/c.bin"), for: "a/b.bin") == .file(directory + "/c.bin"))
        #expect(ObjectCopy.downloadTarget(.standardStream, for: "a/b.bin") == .standardStream)
    }

    @Test func aDownloadWritesTheWholeObjectAndNoTemporaryFile() async throws {
        let bucket = FakeBucket()
        let payload = (0..<100_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        bucket.objects.withLock { $0["dir/obj.bin"] = payload }
        let server = try LoopbackServer { bucket.handle($0) }
        defer { server.stop() }
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }

        let download = try await Self.copier(server).download(key: "dir/obj.bin", to: .file(directory))
        #expect(download.destination == .file(directory + "/obj.bin"))
        #expect(download.bytes == Int64(payload.count))
        #expect(FileManager.default.contents(atPath: directory + "/obj.bin") == Data(payload))
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory) == ["obj.bin"])
    }

    @Test func aFailedDownloadLeavesNothingBehind() async throws {
        let server = try LoopbackServer { FakeBucket().handle($0) }
        defer { server.stop() }
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }

        await #expect(throws: S3Error.self) {
            try await Self.copier(server).download(key: "missing.bin", to: .file(directory + "/out.bin"))
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).isEmpty)
    }

    @Test func anUploadOfAFileStoresItUnderThePrefix() async throws {
        let bucket = FakeBucket()
        let server = try LoopbackServer { bucket.handle($0) }
        defer { server.stop() }
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = directory + "/notes.txt"
        let content = Data("hello, bucket\n".utf8)
        try content.write(to: URL(fileURLWithPath: file))

        let upload = try await Self.copier(server).upload(
            from: .file(file), to: "docs/", options: S3ObjectWriter.Options(), resume: false, uploadID: nil)
        #expect(upload.key == "docs/notes.txt")
        #expect(upload.stored.size == Int64(content.count))
        #expect(upload.stored.partCount == 1)
        #expect(upload.reusedParts == 0)
        #expect(bucket.objects.withLock { $0["docs/notes.txt"] } == Array(content))
    }

    @Test func anUploadOfAMissingFileIsAUsageError() async throws {
        let server = try LoopbackServer { FakeBucket().handle($0) }
        defer { server.stop() }
        let error = try await #require(throws: QSnapError.self) {
            try await Self.copier(server).upload(
                from: .file("/nonexistent/qsnap/file"), to: "k", options: S3ObjectWriter.Options(), resume: false,
                uploadID: nil)
        }
        #expect(error.code == .repoCannotOpen)
        #expect(server.requests.isEmpty)
    }
}
