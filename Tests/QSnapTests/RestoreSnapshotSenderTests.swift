import Foundation
import Logging
import QSnapCore
import S3
import Testing

@testable import QSnap

@Suite struct RestoreSnapshotSenderTests {
    func localRepository() throws -> LocalRepository {
        try LocalRepository(
            root: FileManager.default.temporaryDirectory.appendingPathComponent("qsnap-rs-\(UUID().uuidString)").path)
    }

    @Test func directoryRepositoryURLsAreBasePlusEncodedKey() async throws {
        let repo = try localRepository()
        defer { try? FileManager.default.removeItem(atPath: repo.root) }
        let sender = SnapshotSender(
            repository: repo, transport: .url, objectBaseURL: "http://127.0.0.1:8000/repo//",
            presignExpiry: 60, logger: Logger(label: "t"))
        #expect(
            try await sender.locationURL(for: "backups/x/objects/my docs/peer-1/a#b?.snapshot")
                == "http://127.0.0.1:8000/repo/backups/x/objects/my%20docs/peer-1/a%23b%3F.snapshot")
    }

    @Test func directoryRepositoryWithoutBaseURLIsAUsageError() async throws {
        let repo = try localRepository()
        defer { try? FileManager.default.removeItem(atPath: repo.root) }
        let sender = SnapshotSender(
            repository: repo, transport: .url, objectBaseURL: nil, presignExpiry: 60,
            logger: Logger(label: "t"))
        let error = try await #require(throws: QSnapError.self) { try await sender.locationURL(for: "backups/x") }
        #expect(error.code == .restoreTransport)
    }

    @Test func s3RepositoriesGetPresignedURLsOfThePrefixedKey() async throws {
        let client = try S3Client(
            configuration: S3Configuration(
                endpoint: "http://127.0.0.1:9000", bucket: "bkt",
                credentials: SigV4Credentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG")))
        let repo = S3Repository(client: client, prefix: "/qdrant/prod/")
        let sender = SnapshotSender(
            repository: repo, transport: .url, objectBaseURL: nil, presignExpiry: 900,
            logger: Logger(label: "t"))
        let url = try await sender.locationURL(for: "backups/x/objects/docs/peer-1/a.snapshot")
        #expect(url.hasPrefix("http://127.0.0.1:9000/bkt/qdrant/prod/backups/x/objects/docs/peer-1/a.snapshot?"))
        #expect(url.contains("X-Amz-Expires=900"))
        #expect(url.contains("X-Amz-Signature="))
        #expect(!url.contains("wJalrXUtnFEMI"))
    }
}

@Suite struct RestoreTransportResolutionTests {
    @Test func autoPresignsFromPlainS3AndUploadsFromEverythingElse() throws {
        let client = try S3Client(
            configuration: S3Configuration(
                endpoint: "http://127.0.0.1:9000", bucket: "bkt",
                credentials: SigV4Credentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "secret")))
        let s3 = RestoreOptions(transport: .auto).resolvingTransport(for: S3Repository(client: client, prefix: "p"))
        #expect(s3.transport == .url)
        #expect(s3.fallBackToUpload)
        let dir = try LocalRepository(
            root: FileManager.default.temporaryDirectory.appendingPathComponent("qsnap-rt-\(UUID().uuidString)").path)
        defer { try? FileManager.default.removeItem(atPath: dir.root) }
        let local = RestoreOptions(transport: .auto).resolvingTransport(for: dir)
        #expect(local.transport == .upload)
        #expect(!local.fallBackToUpload)
        // An explicit choice is kept, without the fall-back.
        let asked = RestoreOptions(transport: .url).resolvingTransport(for: dir)
        #expect(asked.transport == .url)
        #expect(!asked.fallBackToUpload)
    }
}
