import HTTP
import QSnapCore
import Testing

@testable import Qdrant

/// Client behaviour that needs no server.
@Suite struct QdrantClientTests {
    @Test func badBaseURLFailsEveryCallWithUsage() async {
        let client = QdrantClient(baseURL: "localhost:6333")
        await #expect {
            _ = try await client.listCollections()
        } throws: { ($0 as? QdrantError)?.code == .url }
    }

    @Test func baseURLIsNormalised() async {
        #expect(QdrantClient(baseURL: "http://h:6333///").baseURL == "http://h:6333")
    }

    @Test func snapshotNamesAreValidatedBeforeSending() async {
        // Port 9 (discard) on a closed loopback port: any request would fail with a transport error instead.
        let client = QdrantClient(baseURL: "http://127.0.0.1:9", retryPolicy: .none)
        for name in ["../../../../etc/passwd", "/etc/passwd", "..", ".", "", "a/b.snapshot"] {
            await #expect {
                try await client.deleteSnapshot(.collection("c"), name: name)
            } throws: { ($0 as? QSnapError)?.code == .qdrantSnapshotName }
            await #expect {
                try await client.downloadSnapshot(.full, name: name) { _ in }
            } throws: { ($0 as? QSnapError)?.code == .qdrantSnapshotName }
        }
    }

    @Test func fullSnapshotsCannotBeRecoveredOverREST() async {
        let client = QdrantClient(baseURL: "http://127.0.0.1:9", retryPolicy: .none)
        await #expect {
            try await client.recoverSnapshot(.full, location: "http://x/s.snapshot")
        } throws: { ($0 as? QdrantError)?.code == .fullRecover }
        await #expect {
            try await client.uploadSnapshot(.full, fileName: "s.snapshot", length: 0) { nil }
        } throws: { ($0 as? QdrantError)?.code == .fullRecover }
    }

    @Test func malformedChecksumsAreUsageErrors() async {
        let client = QdrantClient(baseURL: "http://127.0.0.1:9", retryPolicy: .none)
        await #expect {
            try await client.recoverSnapshot(.collection("c"), location: "http://x/s.snapshot", checksum: "abc")
        } throws: { ($0 as? QdrantError)?.code == .checksum }
    }

    @Test func unreachableServerIsARetriableServerFailureWithoutTheKey() async throws {
        let client = QdrantClient(
            baseURL: "http://127.0.0.1:9", apiKey: "very-secret-key",
            retryPolicy: RetryPolicy(maxAttempts: 2, baseDelay: 0.01, maxDelay: 0.01))
        do {
            _ = try await client.collectionInfo("c")
            Issue.record("expected a failure")
        } catch let error as QdrantError {
            #expect(error.code == .server)
            #expect(error.isRetriableQdrantFailure)
            #expect(error.message.contains("GET /collections/c"))
            #expect(!error.description.contains("very-secret-key"))
        }
    }

    @Test func deadlinesSetTotalAndStallLimits() async throws {
        let client = QdrantClient(baseURL: "http://h:6333", timeout: 300)
        let endpoint = try QdrantEndpoint(baseURL: "http://h:6333")
        func request(_ deadline: QdrantClient.Deadline) -> HTTPRequest {
            client.makeRequest(
                QdrantClient.Call(
                    method: "POST", segments: ["collections", "c", "snapshots"], query: [("wait", "true")],
                    deadline: deadline, idempotent: false),
                endpoint: endpoint, headers: [])
        }
        let standard = request(.standard)
        #expect(standard.url == "http://h:6333/collections/c/snapshots?wait=true")
        #expect(standard.timeout == 300 && standard.lowSpeedTime >= 300)
        let transfer = request(.transfer(stallSeconds: 120))
        #expect(transfer.timeout == nil && transfer.lowSpeedTime == 120)
        let work = request(.serverWork)
        #expect(work.timeout == nil && work.lowSpeedTime >= 3600)
    }

    @Test func apiKeyTravelsAsHeaderOnly() async throws {
        let client = QdrantClient(baseURL: "http://h", apiKey: "k-123456")
        #expect(client.baseHeaders().contains(HTTPHeader(name: "api-key", value: "k-123456")))
        #expect(!QdrantClient(baseURL: "http://h", apiKey: "").baseHeaders().contains { $0.name == "api-key" })
    }

    @Test func attachmentFileNameIsParsed() async {
        func name(_ value: String) -> String? {
            QdrantClient.attachmentFileName([HTTPHeader(name: "Content-Disposition", value: value)])
        }
        #expect(
            name(#"attachment; filename="c-shard-0-2026-11-21-20-00-00.snapshot""#)
                == "c-shard-0-2026-11-21-20-00-00.snapshot")
        #expect(name("attachment; filename=plain.snapshot; size=3") == "plain.snapshot")
        #expect(name(#"attachment; filename="../../etc/passwd""#) == nil)
        #expect(QdrantClient.attachmentFileName([]) == nil)
    }
}
