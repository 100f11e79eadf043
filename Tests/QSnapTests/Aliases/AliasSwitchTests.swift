import Foundation
import Logging
import QSnapCore
import QSnapTestSupport
import Qdrant
import Synchronization
import Testing

@testable import QSnap

/// `qsnap alias switch` against a fake Qdrant: the checks before the switch and the one atomic update.
@Suite struct AliasSwitchTests {
    /// A node with two collections and `prod` → `docs-v1`; `docs-v2` has `status`.
    final class FakeNode: Sendable {
        let status: String
        let collections: [String]
        let aliasUpdates = Mutex<[String]>([])

        init(status: String = "green", collections: [String] = ["docs-v1", "docs-v2"]) {
            self.status = status
            self.collections = collections
        }

        func handle(_ request: LoopbackServer.Request) -> LoopbackServer.Response {
            let path = String(request.target.split(separator: "?").first ?? "")
            func ok(_ result: String) -> LoopbackServer.Response {
                .init(
                    headers: [("Content-Type", "application/json")],
                    body: Array(#"{"result":\#(result),"status":"ok","time":0.001}"#.utf8))
            }
            switch (request.method, path) {
            case ("DELETE", _) where path.hasPrefix("/collections/qsnap-access-probe-"):
                return ok("false")
            case ("GET", "/collections"):
                return ok(
                    #"{"collections":["# + collections.map { #"{"name":"\#($0)"}"# }.joined(separator: ",") + "]}")
            case ("GET", "/collections/docs-v2"):
                return ok(
                    #"{"status":"\#(status)","optimizer_status":"ok","segments_count":1,"config":{},"points_count":3}"#)
            case ("GET", "/aliases"):
                return ok(#"{"aliases":[{"alias_name":"prod","collection_name":"docs-v1"}]}"#)
            case ("POST", "/collections/aliases"):
                aliasUpdates.withLock { $0.append(String(decoding: request.body, as: UTF8.self)) }
                return ok("true")
            default:
                return .init(status: 404, body: Array(#"{"status":{"error":"not found"},"time":0}"#.utf8))
            }
        }
    }

    func switcher(_ server: LoopbackServer) -> AliasSwitch {
        let logger = Logger(label: "test")
        return AliasSwitch(
            client: QdrantConnection(apiKey: nil).client(
                "http://127.0.0.1:\(server.port)", timeout: 10, logger: logger),
            logger: logger)
    }

    @Test func switchesInOneUpdateAndReportsThePreviousTarget() async throws {
        let node = FakeNode()
        let server = try LoopbackServer { node.handle($0) }
        defer { server.stop() }
        let outcome = try await switcher(server).run(alias: "prod", to: "docs-v2")
        #expect(outcome == AliasSwitch.Outcome(alias: "prod", from: "docs-v1", to: "docs-v2"))
        let updates = node.aliasUpdates.withLock { $0 }
        #expect(updates.count == 1)
        let body = try #require(updates.first)
        #expect(body.contains("delete_alias") && body.contains("create_alias") && body.contains("docs-v2"))
    }

    @Test func aNewAliasHasNoPreviousTarget() async throws {
        let node = FakeNode()
        let server = try LoopbackServer { node.handle($0) }
        defer { server.stop() }
        let outcome = try await switcher(server).run(alias: "staging", to: "docs-v2")
        #expect(outcome.from == nil)
    }

    @Test func aMissingTargetIsAUsageErrorAndChangesNothing() async throws {
        let node = FakeNode()
        let server = try LoopbackServer { node.handle($0) }
        defer { server.stop() }
        let error = try await #require(throws: QSnapError.self) {
            try await switcher(server).run(alias: "prod", to: "docs-v3")
        }
        #expect(error.code == .aliasTarget)
        #expect(error.message.contains("docs-v1, docs-v2"))
        #expect(node.aliasUpdates.withLock { $0.isEmpty })
    }

    @Test func anAliasNamedLikeACollectionIsRefused() async throws {
        let node = FakeNode()
        let server = try LoopbackServer { node.handle($0) }
        defer { server.stop() }
        let error = try await #require(throws: QSnapError.self) {
            try await switcher(server).run(alias: "docs-v1", to: "docs-v2")
        }
        #expect(error.code == .aliasCollision)
        #expect(node.aliasUpdates.withLock { $0.isEmpty })
    }

    @Test func aTargetThatIsNotGreenIsRefused() async throws {
        let node = FakeNode(status: "yellow")
        let server = try LoopbackServer { node.handle($0) }
        defer { server.stop() }
        let error = try await #require(throws: QSnapError.self) {
            try await switcher(server).run(alias: "prod", to: "docs-v2")
        }
        #expect(error.code == .aliasNotGreen)
        #expect(error.message.contains("yellow"))
        #expect(node.aliasUpdates.withLock { $0.isEmpty })
    }
}
