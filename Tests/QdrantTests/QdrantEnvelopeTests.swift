import QSnapCore
import Testing

@testable import Qdrant

@Suite struct QdrantEnvelopeTests {
    let redactor = Redactor(secrets: ["s3cr3t-api-key"])

    private func decode<T: Decodable>(_ type: T.Type, _ status: Int, _ body: String, headers: [(String, String)] = [])
        throws -> QdrantEnvelope.Outcome<T>
    {
        try QdrantEnvelope.decode(
            type, status: status, headers: headers, body: Array(body.utf8), method: "GET",
            path: "/collections/x", redactor: redactor)
    }

    private func error(_ status: Int, _ body: String, headers: [(String, String)] = []) -> QdrantError? {
        do {
            _ = try decode(JSONValue.self, status, body, headers: headers)
            return nil
        } catch {
            return error as? QdrantError
        }
    }

    @Test func okResultIsDecoded() throws {
        guard case .ok(let value?) = try decode(JSONValue.self, 200, QdrantFixtures.trueResult) else {
            Issue.record("expected a result")
            return
        }
        #expect(value == .bool(true))
    }

    @Test func nullResultIsOkWithoutValue() throws {
        guard case .ok(nil) = try decode(JSONValue.self, 200, QdrantFixtures.nullResult) else {
            Issue.record("expected ok(nil)")
            return
        }
    }

    @Test func acceptedHasNoResult() throws {
        guard case .accepted = try decode(SnapshotDescription.self, 202, QdrantFixtures.accepted) else {
            Issue.record("expected accepted")
            return
        }
    }

    @Test func requireRefusesAMissingResult() {
        #expect {
            _ = try QdrantEnvelope.require(
                JSONValue.self, status: 200, body: Array(QdrantFixtures.nullResult.utf8),
                method: "GET", path: "/collections", redactor: redactor)
        } throws: { ($0 as? QdrantError)?.code == .badResponse }
    }

    @Test func envelopeErrorCarriesStatusMethodPathAndMessage() throws {
        let e = try #require(error(404, QdrantFixtures.notFoundEnvelope))
        #expect(e.code == .notFound)
        #expect(e.message.contains("GET /collections/x"))
        #expect(e.message.contains("HTTP 404"))
        #expect(e.message.contains("Not found: Collection `x` doesn't exist!"))
        let failure = try #require(e.qdrantFailure)
        #expect(failure.status == 404 && failure.method == "GET" && failure.path == "/collections/x")
        #expect(!failure.retriable)
    }

    @Test func plainTextErrorBodiesAreUsed() throws {
        let e = try #require(error(404, QdrantFixtures.plainNotFound))
        #expect(e.code == .notFound)
        #expect(e.qdrantFailure?.serverMessage == QdrantFixtures.plainNotFound)
    }

    @Test func authFailuresAreRefusalsWithAHint() throws {
        let unauthorized = try #require(error(401, QdrantFixtures.plainUnauthorized))
        #expect(unauthorized.code == .auth)
        #expect(unauthorized.message.contains("--api-key") && unauthorized.message.contains("QDRANT_API_KEY"))
        #expect(unauthorized.message.contains(QdrantFixtures.plainUnauthorized))
        let forbidden = try #require(error(403, QdrantFixtures.plainForbidden))
        #expect(forbidden.code == .auth)
        #expect(forbidden.message.contains("Global manage access is required"))
    }

    @Test func conflictAndBadRequests() throws {
        #expect(error(409, QdrantFixtures.conflictEnvelope)?.code == .conflict)
        let invalid = try #require(error(422, QdrantFixtures.validationEnvelope))
        #expect(invalid.code == .badRequest)
        #expect(invalid.message.contains("invalid_sha256_hash"))
        #expect(invalid.isRetriableQdrantFailure == false)
    }

    @Test(arguments: [500, 502, 503, 507, 408])
    func serverErrorsAreRetriable(_ status: Int) throws {
        let e = try #require(error(status, #"{"status":{"error":"Service internal error: boom"},"time":0.0}"#))
        #expect(e.code == .server)
        #expect(e.isRetriableQdrantFailure)
    }

    @Test func rateLimitKeepsRetryAfter() throws {
        let e = try #require(
            error(
                429, #"{"status":{"error":"Rate limiting exceeded: x"},"time":0}"#,
                headers: [("Retry-After", "7")]))
        #expect(e.code == .rateLimited)
        #expect(e.qdrantFailure?.retryAfter == 7)
        #expect(e.isRetriableQdrantFailure)
    }

    @Test func alreadyInProgressIsReadable() throws {
        let e = try #require(error(503, QdrantFixtures.alreadyInProgress))
        #expect(e.code == .server)
        #expect(e.message.contains("already in progress"))
    }

    @Test func secretsAreMaskedInServerMessages() throws {
        let body =
            #"{"status":{"error":"Wrong input: Failed to download tar from https://b.s3/x.snapshot?X-Amz-Signature=abcdef0123&X-Amz-Credential=AKIA: status - 403 key s3cr3t-api-key"},"time":0}"#
        let e = try #require(error(400, body))
        #expect(!e.message.contains("abcdef0123"))
        #expect(!e.message.contains("AKIA"))
        #expect(!e.message.contains("s3cr3t-api-key"))
        #expect(e.message.contains("Failed to download tar"))
    }

    @Test func longAndMultiLineBodiesAreFlattenedAndShortened() throws {
        let html = "<html>\n<body>\n" + String(repeating: "x", count: 5000) + "\n</body></html>"
        let e = try #require(error(502, html))
        let message = try #require(e.qdrantFailure?.serverMessage)
        #expect(!message.contains("\n"))
        #expect(message.count <= QdrantEnvelope.maxMessageLength + 1)
        #expect(message.hasPrefix("<html> <body>"))
    }

    @Test func unreadableSuccessBodyIsABadResponse() {
        #expect {
            _ = try decode(CollectionInfo.self, 200, #"{"result":{"status":"green"},"status":"ok","time":0}"#)
        } throws: { error in
            guard let e = error as? QdrantError else { return false }
            return e.code == .badResponse && e.message.contains("optimizer_status")
        }
        #expect {
            _ = try decode(JSONValue.self, 200, "<html>proxy</html>")
        } throws: { ($0 as? QdrantError)?.code == .badResponse }
    }
}
