import QSnapCore
import Testing

@testable import Qdrant

@Suite struct QdrantFailureTests {
    @Test func transportFailureIsARetriableServerFailure() {
        let f = QdrantFailure(
            status: nil, method: "GET", path: "/", serverMessage: "Connection refused",
            retriable: true)
        let e = f.error
        #expect(e.code == .server)
        #expect(e.message.contains("GET /") && e.message.contains("Connection refused"))
        #expect(e.isRetriableQdrantFailure)
        #expect(f.description == "GET /: no response: Connection refused")
    }

    @Test(arguments: [
        (401, "qdrant.auth"), (403, "qdrant.auth"), (404, "qdrant.not-found"),
        (409, "qdrant.conflict"), (400, "qdrant.bad-request"),
        (422, "qdrant.bad-request"), (405, "qdrant.bad-request"),
        (500, "qdrant.server"), (503, "qdrant.server"), (429, "qdrant.rate-limited"),
    ])
    func statusMapsToCode(_ status: Int, _ identifier: String) {
        let e = QdrantFailure(
            status: status, method: "POST", path: "/collections/c/snapshots", serverMessage: "m",
            retriable: QdrantFailure.isRetriable(status: status)
        ).error
        #expect(e.code.identifier == identifier)
        #expect(e.message.contains("POST /collections/c/snapshots"))
        #expect(e.message.contains("HTTP \(status)"))
    }

    @Test func retriableStatuses() {
        #expect([500, 502, 503, 504, 507, 408, 429].allSatisfy(QdrantFailure.isRetriable(status:)))
        #expect(![400, 401, 403, 404, 409, 422, 304].contains(where: QdrantFailure.isRetriable(status:)))
    }
}
