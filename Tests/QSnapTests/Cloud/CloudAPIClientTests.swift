import Foundation
import Logging
import QSnapCore
import QSnapTestSupport
import Testing

@testable import QSnap

/// The Cloud API client over a loopback server: the `apikey` header, pagination, retries of reads only, error
/// mapping to exit codes, and no key in any error text.
@Suite struct CloudAPIClientTests {
    static let account = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
    static let backupID = "0b7c3f7e-1d2a-4c8e-9f10-2a3b4c5d6e7f"
    static let key = "unit-test-management-key-1234"

    static func client(_ server: LoopbackServer) throws -> CloudAPIClient {
        CloudAPIClient(
            endpoint: try CloudAPIEndpoint("http://127.0.0.1:\(server.port)"), accountID: account, apiKey: key,
            retryPolicy: RetryPolicy(maxAttempts: 3, baseDelay: 0, maxDelay: 0))
    }

    static func json(_ status: Int, _ text: String) -> LoopbackServer.Response {
        LoopbackServer.Response(status: status, headers: [("Content-Type", "application/json")], body: Array(text.utf8))
    }

    static func rpcError(_ code: Int, _ status: Int, _ message: String) -> LoopbackServer.Response {
        json(status, #"{"code":\#(code),"message":"\#(message)","details":[]}"#)
    }

    @Test func sendsTheKeyAsApikeyAndFollowsPages() async throws {
        let server = try LoopbackServer { request in
            if request.target.contains("pageToken=t%2B2") {
                return Self.json(200, #"{"items":[{"id":"b3","status":"BACKUP_STATUS_RUNNING"}],"totalSize":3}"#)
            }
            return Self.json(
                200, #"{"items":[{"id":"b1"},{"id":"b2","status":4}],"totalSize":3,"nextPageToken":"t+2"}"#)
        }
        defer { server.stop() }
        let backups = try await Self.client(server).listBackups(clusterID: Self.backupID, pageSize: 2)
        #expect(backups.map(\.id) == ["b1", "b2", "b3"] && backups[1].currentStatus == .succeeded)
        let requests = server.requests
        #expect(requests.count == 2)
        #expect(requests.allSatisfy { $0.header("Authorization") == "apikey \(Self.key)" && $0.method == "GET" })
        #expect(
            requests[0].target
                == "/api/cluster/backup/v1/accounts/\(Self.account)/backups?clusterId=\(Self.backupID)&pageSize=2")
    }

    @Test func refusesARepeatedPageToken() async throws {
        let server = try LoopbackServer { _ in Self.json(200, #"{"items":[],"nextPageToken":"same"}"#) }
        defer { server.stop() }
        await #expect(throws: QSnapError.self) { try await Self.client(server).listBackupSchedules() }
        #expect(server.requests.count == 2)
    }

    @Test func retriesReadsButNeverWrites() async throws {
        let server = try LoopbackServer { _ in Self.rpcError(14, 503, "unavailable") }
        defer { server.stop() }
        let client = try Self.client(server)
        await #expect(throws: QSnapError.self) { try await client.getBackup(Self.backupID) }
        #expect(server.requests.count == 3, "a read is tried maxAttempts times")
        await #expect(throws: QSnapError.self) { try await client.restoreBackup(Self.backupID) }
        #expect(server.requests.count == 4, "RestoreBackup is sent once")
        #expect(
            server.requests[3].method == "POST"
                && server.requests[3].target.hasSuffix("/backups/\(Self.backupID)/restore"))
    }

    @Test func mapsErrorsToExitCodesWithoutTheKey() async throws {
        let cases: [(LoopbackServer.Response, String, Int32, String)] = [
            (
                Self.rpcError(16, 401, "bad key \(Self.key)"), "cloud.auth", 3,
                "the management key was refused (QDRANT_CLOUD_API_KEY)"
            ),
            (
                Self.rpcError(7, 403, "permission denied"), "cloud.permission", 3,
                "lacks the permission delete:backups, which DeleteBackup needs"
            ),
            (
                Self.rpcError(5, 404, "not found"), "cloud.not-found", 2,
                "backup \(Self.backupID) was not found in account \(Self.account)"
            ),
            (Self.rpcError(3, 400, "validation error"), "cloud.invalid-argument", 2, "rejected DeleteBackup"),
            (Self.rpcError(9, 400, "busy"), "cloud.failed-precondition", 3, "refused DeleteBackup"),
            (
                LoopbackServer.Response(status: 403, body: Array("<html>forbidden</html>".utf8)), "cloud.permission", 3,
                "delete:backups"
            ),
            (Self.rpcError(13, 500, "boom"), "cloud.server", 1, "retry later"),
        ]
        for (response, code, exit, text) in cases {
            let server = try LoopbackServer { _ in response }
            defer { server.stop() }
            do {
                try await Self.client(server).deleteBackup(Self.backupID)
                Issue.record("no error for \(code)")
            } catch let error as QSnapError {
                #expect(error.code.identifier == code)
                let categories: [Int32: QSnapError.Category] = [1: .failure, 2: .usage, 3: .refused]
                #expect(error.code.category == categories[exit], "\(code)")
                #expect(error.message.contains(text), "\(error.message)")
                #expect(!error.description.contains(Self.key), "the key never reaches error text")
            }
        }
    }
}
