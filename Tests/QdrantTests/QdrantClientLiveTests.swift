import Foundation
import HTTP
import QSnapCore
import Synchronization
import Testing

@testable import Qdrant

/// The client against the Qdrant test double (`Tests/Testbed`, started per test on free loopback ports).
///
@Suite(
    .serialized, .timeLimit(.minutes(3)),
    .enabled(if: TestbedProcess.available, "skipped: .venv/bin/python is missing — run `make setup` first"))
struct QdrantClientLiveTests {
    /// Runs one step of the test against the double.
    func io<T>(_ body: () async throws -> T) async throws -> T {
        try await body()
    }

    /// Runs `body` with a fresh test double that is stopped in every case.
    func withTestbed(
        peers: Int = 1, arguments: [String] = [],
        _ body: (TestbedProcess) async throws -> Void
    ) async throws {
        let testbed = try await io { try await TestbedProcess.start(peers: peers, arguments: arguments) }
        do {
            try await body(testbed)
        } catch {
            try? await io { await testbed.stop() }
            throw error
        }
        try await io { await testbed.stop() }
    }

    /// `count` points with 4-dimensional vectors and a payload, as a JSON array.
    static func points(_ range: ClosedRange<Int>) -> String {
        "["
            + range.map { i in
                #"{"id":\#(i),"vector":[\#(i).0,1.0,0.5,0.25],"payload":{"n":\#(i),"tag":"t\#(i % 3)"}}"#
            }.joined(separator: ",") + "]"
    }

    static let config = JSONValue.object([
        "vectors": .object(["size": .number(4), "distance": .string("Cosine")]), "shard_number": .number(2),
    ])

    /// The code of a thrown `QdrantError`, or `nil`.
    func code(_ body: () async throws -> Void) async -> QdrantError.Code? {
        do {
            try await io(body)
            return nil
        } catch {
            return (error as? QdrantError)?.code
        }
    }

    /// Downloads into memory; returns the bytes, status and announced length.
    static func download(_ client: QdrantClient, _ scope: SnapshotScope, _ name: String) async throws
        -> (bytes: [UInt8], status: Int, length: Int64?)
    {
        let sink = ByteSink()
        let (status, length) = try await client.downloadSnapshot(scope, name: name) { sink.bytes += $0 }
        return (sink.bytes, status, length)
    }

    final class ByteSink: @unchecked Sendable { var bytes: [UInt8] = [] }

    // MARK: -

    @Test func collectionsAndPoints() async throws {
        try await withTestbed { tb in
            let client = QdrantClient(baseURL: tb.url + "/")
            let server = try await io { try await client.serverInfo() }
            #expect(server.version == QdrantVersion(major: 1, minor: 19, patch: 0))
            #expect(server.title == "qdrant - vector search engine")

            try await io { try await client.createCollection("live-docs", config: Self.config) }
            #expect(
                await code { try await client.createCollection("live-docs", config: Self.config) }
                    == .conflict)
            try await io { try await tb.upsert("live-docs", points: Self.points(1...25)) }

            #expect(try await io { try await client.listCollections() } == ["live-docs"])
            #expect(try await io { try await client.collectionExists("live-docs") })
            #expect(try await !io { try await client.collectionExists("nope") })
            let info = try await io { try await client.collectionInfo("live-docs") }
            #expect(info.pointsCount == 25)
            #expect(info.status == "green")
            #expect(info.config["params"]?["shard_number"] == .number(2))
            #expect(try await io { try await client.countPoints("live-docs") } == 25)

            var seen: [JSONValue] = []
            var offset: JSONValue? = nil
            var pages = 0
            repeat {
                let from = offset
                let page = try await io {
                    try await client.scroll("live-docs", limit: 7, offset: from, withVectors: false, withPayload: true)
                }
                seen += page.points
                offset = page.next
                pages += 1
            } while offset != nil && pages < 10
            #expect(pages == 4)
            #expect(Set(seen.compactMap { $0["id"]?.intValue }) == Set(1...25))
            #expect(seen.allSatisfy { $0["payload"]?["n"] == $0["id"] })

            let records = try await io {
                try await client.retrieve("live-docs", ids: [.number(3), .number(7)], withVectors: true)
            }
            #expect(records.compactMap { $0["id"]?.intValue }.sorted() == [3, 7])
            #expect(records.allSatisfy { $0["vector"]?.arrayValue?.count == 4 })

            let hits = try await io {
                try await client.query(
                    "live-docs",
                    body: .object([
                        "query": .array([
                            .number(25), .number(1), .number(0.5),
                            .number(0.25),
                        ]),
                        "limit": .number(3),
                    ]))
            }
            #expect(hits["points"]?.arrayValue?.count == 3)
            #expect(hits["points"]?[0]?["id"] == .number(25))

            let missing = await code { _ = try await client.collectionInfo("missing") }
            #expect(missing == .notFound)

            try await io { try await client.deleteCollection("live-docs") }
            #expect(try await !io { try await client.collectionExists("live-docs") })
        }
    }

    @Test func collectionSnapshotsCreateListDownloadRecoverDelete() async throws {
        try await withTestbed { tb in
            let client = QdrantClient(baseURL: tb.url)
            try await io {
                try await client.createCollection("live-docs", config: Self.config)
                try await tb.upsert("live-docs", points: Self.points(1...30))
            }
            let scope = SnapshotScope.collection("live-docs")
            let created = try #require(try await io { try await client.createSnapshot(scope) })
            let parsed = try #require(SnapshotName.parse(created.name))
            #expect(parsed.kind == .collection && parsed.collection == "live-docs" && parsed.peerId != nil)
            let checksum = try #require(created.checksum)
            #expect(try await io { try await client.listSnapshots(scope) }.map(\.name) == [created.name])

            let download = try await io { try await Self.download(client, scope, created.name) }
            #expect(download.status == 200)
            #expect(Int64(download.bytes.count) == created.size)
            #expect(download.length == created.size)
            #expect(Digest.sha256Hex(download.bytes) == checksum)

            let missing = await code { _ = try await Self.download(client, scope, "nothing.snapshot") }
            #expect(missing == .notFound)
            await #expect(throws: QSnapError.self) { _ = try await Self.download(client, scope, "../../etc/passwd") }

            // wait=false: 202, then poll.
            let before = Set(try await io { try await client.listSnapshots(scope) }.map(\.name))
            try await Task.sleep(for: .milliseconds(1100))  // names have one-second resolution
            #expect(try await io { try await client.createSnapshot(scope, wait: false) } == nil)
            let background = try await io {
                try await client.waitForSnapshot(scope, excluding: before, timeout: 30, poll: 0.2)
            }
            #expect(!before.contains(background.name))
            #expect(background.checksum != nil)
            let byName = try await io {
                try await client.waitForSnapshot(scope, name: created.name, timeout: 5, poll: 0.1)
            }
            #expect(byName == created)
            #expect(
                await code {
                    _ = try await client.waitForSnapshot(scope, name: "never.snapshot", timeout: 0.3, poll: 0.1)
                }
                    == .snapshotTimeout)

            // Upload with a known length, with the checksum verified by the server.
            let bytes = download.bytes
            let uploaded = try await io {
                let cursor = Cursor(bytes)
                return try await client.uploadSnapshot(
                    .collection("live-restored"), fileName: created.name,
                    length: Int64(bytes.count), checksum: checksum, priority: .snapshot,
                    next: { cursor.next() })
            }
            #expect(uploaded)
            #expect(try await io { try await client.countPoints("live-restored") } == 30)

            // Upload chunked (unknown length), in small pieces.
            try await io {
                let cursor = Cursor(bytes, piece: 1000)
                try await client.uploadSnapshot(
                    .collection("live-chunked"), fileName: "chunked.snapshot", length: nil,
                    next: { cursor.next() })
            }
            #expect(try await io { try await client.countPoints("live-chunked") } == 30)

            // A wrong checksum is refused by the server before recovering.
            let wrong = String(repeating: "0", count: 64)
            let mismatch = await code {
                let cursor = Cursor(bytes)
                try await client.uploadSnapshot(
                    .collection("live-bad"), fileName: "bad.snapshot",
                    length: Int64(bytes.count), checksum: wrong, next: { cursor.next() })
            }
            #expect(mismatch == .badRequest)

            // Recovery from a URL the server downloads itself.
            let location = "\(tb.url)/collections/live-docs/snapshots/\(created.name)"
            #expect(
                try await io {
                    try await client.recoverSnapshot(
                        .collection("live-from-url"), location: location, checksum: checksum)
                })
            #expect(try await io { try await client.countPoints("live-from-url") } == 30)

            try await io { try await client.deleteSnapshot(scope, name: created.name) }
            #expect(!(try await io { try await client.listSnapshots(scope) }.map(\.name).contains(created.name)))
            #expect(
                await code { try await client.deleteSnapshot(scope, name: created.name) }
                    == .notFound)
        }
    }

    /// A wait never outlasts what can still come: a snapshot that is not listed while the node creates nothing
    /// (the creation failed, or another client deleted its result) ends after the grace, not at the timeout.
    @Test func waitingForASnapshotThatVanishedEndsEarly() async throws {
        try await withTestbed { tb in
            let client = QdrantClient(baseURL: tb.url)
            try await io {
                try await client.createCollection("live-gone", config: Self.config)
                try await tb.upsert("live-gone", points: Self.points(1...10))
            }
            let scope = SnapshotScope.collection("live-gone")
            let started = Date()
            #expect(
                await code {
                    _ = try await client.waitForSnapshot(
                        scope, name: "never.snapshot", timeout: 600, poll: 0.1, vanishGrace: 0.5)
                } == .snapshotVanished)
            let before = Set(try await io { try await client.listSnapshots(scope) }.map(\.name))
            #expect(
                await code {
                    _ = try await client.waitForSnapshot(
                        scope, excluding: before, timeout: 600, poll: 0.1, vanishGrace: 0.5)
                } == .snapshotVanished)
            #expect(Date().timeIntervalSince(started) < 30)
        }
    }

    @Test func shardAndFullSnapshots() async throws {
        try await withTestbed { tb in
            let client = QdrantClient(baseURL: tb.url)
            try await io {
                try await client.createCollection("live-docs", config: Self.config)
                try await tb.upsert("live-docs", points: Self.points(1...20))
            }
            let shard = SnapshotScope.shard("live-docs", 1)
            let shardSnap = try #require(try await io { try await client.createSnapshot(shard) })
            let parsed = try #require(SnapshotName.parse(shardSnap.name))
            #expect(parsed.kind == .shard && parsed.shardId == 1 && parsed.collection == "live-docs")
            #expect(try await io { try await client.listSnapshots(shard) }.map(\.name) == [shardSnap.name])
            let shardBytes = try await io { try await Self.download(client, shard, shardSnap.name) }.bytes
            #expect(Digest.sha256Hex(shardBytes) == shardSnap.checksum)
            try await io { try await client.deleteSnapshot(shard, name: shardSnap.name) }
            #expect(try await io { try await client.listSnapshots(shard) }.isEmpty)

            let streamed = try await io {
                let sink = ByteSink()
                let headers = HeaderBox()
                let (status, _) = try await client.streamShardSnapshot(
                    collection: "live-docs", shard: 0, onResponse: { headers.headers = $1 },
                    onBody: { sink.bytes += $0 })
                return (status, sink.bytes, QdrantClient.attachmentFileName(headers.headers))
            }
            #expect(streamed.0 == 200)
            #expect(streamed.1.count >= 1024 && streamed.1.count % 512 == 0)
            #expect(streamed.1.suffix(1024).allSatisfy { $0 == 0 })  // tar end marker
            #expect(streamed.2.flatMap(SnapshotName.parse)?.kind == .shard)

            let full = try #require(try await io { try await client.createSnapshot(.full) })
            #expect(SnapshotName.parse(full.name)?.kind == .full)
            #expect(try await io { try await client.listSnapshots(.full) }.map(\.name).contains(full.name))
            let fullBytes = try await io { try await Self.download(client, .full, full.name) }.bytes
            #expect(Int64(fullBytes.count) == full.size)
            #expect(Digest.sha256Hex(fullBytes) == full.checksum)
            try await io { try await client.deleteSnapshot(.full, name: full.name) }
            #expect(try await !io { try await client.listSnapshots(.full) }.map(\.name).contains(full.name))
        }
    }

    @Test func aliasesClusterTelemetryAndQuotas() async throws {
        let gib: Int64 = 1 << 30
        try await withTestbed(arguments: [
            "--disk-size", String(10 * gib), "--ram-size", String(4 * gib),
            "--disk-usage-percent", "87",
        ]) { tb in
            let client = QdrantClient(baseURL: tb.url)
            try await io {
                try await client.createCollection("v1", config: Self.config)
                try await client.createCollection("v2", config: Self.config)
                try await client.updateAliases([.create(collection: "v1", alias: "prod")])
            }
            #expect(
                try await io { try await client.listAliases() } == [
                    AliasDescription(aliasName: "prod", collectionName: "v1")
                ]
            )
            #expect(try await io { try await client.collectionAliases("v2") }.isEmpty)
            // The atomic switch: delete + create in one request.
            try await io {
                try await client.updateAliases([.delete(alias: "prod"), .create(collection: "v2", alias: "prod")])
            }
            #expect(try await io { try await client.collectionAliases("v2") }.map(\.aliasName) == ["prod"])
            try await io { try await client.updateAliases([.rename(old: "prod", new: "live")]) }
            #expect(
                try await io { try await client.listAliases() } == [
                    AliasDescription(aliasName: "live", collectionName: "v2")
                ]
            )
            #expect(
                await code { try await client.updateAliases([.create(collection: "v2", alias: "v1")]) }
                    == .conflict)
            try await io { try await client.updateAliases([.delete(alias: "live")]) }
            #expect(try await io { try await client.listAliases() }.isEmpty)

            let cluster = try await io { try await client.cluster() }
            #expect(!cluster.enabled && cluster.peers.isEmpty)
            let placement = try await io { try await client.collectionCluster("v1") }
            #expect(placement.shardCount == 2)
            #expect(placement.localShards.map(\.shardId).sorted() == [0, 1])
            #expect(placement.allActive)

            let telemetry = try await io { try await client.telemetry() }
            #expect(telemetry.version == QdrantVersion(major: 1, minor: 19, patch: 0))
            #expect(telemetry.diskSizeBytes == 10 * gib)
            #expect(telemetry.ramSizeBytes == 4 * gib)
            let quotas = try #require(try await io { try await client.quotas() })
            #expect(quotas.diskUsagePercent == 87)
            #expect(quotas.peers.isEmpty)
        }
    }

    @Test func distributedClusterView() async throws {
        try await withTestbed(peers: 3) { tb in
            let client = QdrantClient(baseURL: tb.urls[1])
            let cluster = try await io { try await client.cluster() }
            #expect(cluster.enabled)
            #expect(cluster.peers.count == 3)
            let me = try #require(cluster.peerId)
            #expect(cluster.peers[me] != nil)
            try await io {
                try await client.createCollection(
                    "spread",
                    config: .object([
                        "vectors": .object(["size": .number(4), "distance": .string("Dot")]),
                        "shard_number": .number(3),
                    ]))
            }
            let placement = try await io { try await client.collectionCluster("spread") }
            #expect(placement.peerId == me)
            #expect(placement.shardCount == 3)
            #expect(placement.localShards.count + Set(placement.remoteShards.map(\.shardId)).count >= 3)
            #expect(placement.remoteShards.allSatisfy { cluster.peers[$0.peerId] != nil })
            let quotas = try #require(try await io { try await client.quotas() })
            #expect(quotas.peers.count == 3)
        }
    }

    @Test func authenticationAndKeys() async throws {
        try await withTestbed(arguments: ["--api-key", "live-secret-key", "--read-only-api-key", "live-read-key"]) {
            tb in
            let anonymous = QdrantClient(baseURL: tb.url)
            #expect(try await io { try await anonymous.serverInfo() }.version.minor == 19)  // GET / needs no key
            do {
                _ = try await io { try await anonymous.listCollections() }
                Issue.record("expected a refusal")
            } catch let error as QdrantError {
                #expect(error.code == .auth)
                #expect(error.qdrantFailure?.status == 401)
                #expect(error.message.contains("QDRANT_API_KEY"))
            }
            let wrong = QdrantClient(baseURL: tb.url, apiKey: "not-the-key")
            #expect(await code { _ = try await wrong.listCollections() } == .auth)

            let readOnly = QdrantClient(baseURL: tb.url, apiKey: "live-read-key")
            #expect(try await io { try await readOnly.listCollections() }.isEmpty)
            do {
                try await io { try await readOnly.createCollection("x", config: Self.config) }
                Issue.record("expected a refusal")
            } catch let error as QdrantError {
                #expect(error.code == .auth)
                #expect(error.qdrantFailure?.status == 403)
                #expect(!error.description.contains("live-read-key"))
            }
            // An upload refused before its body is read still reports the refusal, not a broken connection.
            let refusedUpload = await code {
                let cursor = Cursor([UInt8](repeating: 7, count: 3 << 20), piece: 64 << 10)
                try await readOnly.uploadSnapshot(
                    .collection("x"), fileName: "x.snapshot", length: 3 << 20,
                    next: { cursor.next() })
            }
            #expect(refusedUpload == .auth)
            let admin = QdrantClient(baseURL: tb.url, apiKey: "live-secret-key")
            try await io { try await admin.createCollection("x", config: Self.config) }
            #expect(try await io { try await admin.listCollections() } == ["x"])
        }
    }

    @Test func retriesFaultsAndTruncation() async throws {
        try await withTestbed { tb in
            let policy = RetryPolicy(maxAttempts: 3, baseDelay: 0.01, maxDelay: 0.05)
            let client = QdrantClient(baseURL: tb.url, retryPolicy: policy)
            try await io {
                try await client.createCollection("c", config: Self.config)
                try await tb.upsert("c", points: Self.points(1...10))
            }
            // Two 503s on a GET: retried, then succeeds.
            try await io {
                try await tb.setFaults(#"{"errors":[{"method":"GET","path":"/collections","times":2,"status":503}]}"#)
            }
            #expect(try await io { try await client.listCollections() } == ["c"])

            // Three 500s exhaust the three attempts.
            try await io {
                try await tb.setFaults(
                    #"{"errors":[{"method":"GET","path":"/collections","times":3,"status":500,"message":"boom"}]}"#)
            }
            do {
                _ = try await io { try await client.listCollections() }
                Issue.record("expected a failure")
            } catch let error as QdrantError {
                #expect(error.code == .server)
                #expect(error.isRetriableQdrantFailure)
            }

            // A failing create is not retried: the first call fails, the next one succeeds.
            try await io {
                try await tb.setFaults(
                    #"{"errors":[{"method":"POST","path":"/collections/c/snapshots","times":1,"status":500}]}"#)
            }
            #expect(await code { _ = try await client.createSnapshot(.collection("c")) } == .server)
            let snapshot = try #require(try await io { try await client.createSnapshot(.collection("c")) })

            // A truncated download fails; the sink never sees more than was announced.
            try await io { try await tb.setFaults(#"{"truncate_downloads":{"after_bytes":1000}}"#) }
            let sink = ByteSink()
            let truncated = await code {
                _ = try await client.downloadSnapshot(.collection("c"), name: snapshot.name) { sink.bytes += $0 }
            }
            #expect(truncated != nil)
            #expect(Int64(sink.bytes.count) < snapshot.size)

            // A 404 on /quotas (servers before 1.19) reads as "no quotas".
            try await io {
                try await tb.setFaults(#"{"errors":[{"method":"GET","path":"/quotas","times":1,"status":404}]}"#)
            }
            #expect(try await io { try await client.quotas() } == nil)
            try await io { try await tb.setFaults("{}") }
            #expect(try await io { try await client.quotas() } != nil)
        }
    }
}

/// Hands out bytes in pieces of at most `piece` bytes (an upload source).
/// Hands out `bytes` in pieces of at most `piece` bytes, as an upload's body source.
final class Cursor: Sendable {
    let bytes: [UInt8]
    let piece: Int
    private let offset = Mutex(0)
    init(_ bytes: [UInt8], piece: Int = 1 << 20) {
        self.bytes = bytes
        self.piece = piece
    }
    func next() -> [UInt8]? {
        offset.withLock { offset in
            guard offset < bytes.count else { return nil }
            let n = min(piece, bytes.count - offset)
            defer { offset += n }
            return Array(bytes[offset..<offset + n])
        }
    }
}

final class HeaderBox: @unchecked Sendable { var headers: [HTTPHeader] = [] }
