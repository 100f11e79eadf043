import Archive
import HTTP
import QSnap
import QSnapCore
import Qdrant
import S3
import Testing

/// Every library code has qsnap's code of the same identifier, and a mapped error keeps what the library said.
@Suite struct QSnapErrorMappingTests {
    @Test func everyLibraryCodeMapsToTheSameIdentifier() {
        for code in HTTPError.Code.allCases { #expect(QSnapError.Code(code).identifier == code.identifier) }
        for code in S3Error.Code.allCases { #expect(QSnapError.Code(code).identifier == code.identifier) }
        for code in QdrantError.Code.allCases { #expect(QSnapError.Code(code).identifier == code.identifier) }
        for code in ArchiveError.Code.allCases { #expect(QSnapError.Code(code).identifier == code.identifier) }
    }

    @Test func identifiersAreStableLowercaseNames() {
        for code in QSnapError.Code.allCases {
            #expect(code.identifier.wholeMatch(of: /[a-z0-9]+(\.[a-z0-9]+(-[a-z0-9]+)*)*/) != nil, "\(code)")
        }
    }

    /// The category (the exit status) of the failures the libraries report, once mapped.
    @Test(arguments: [
        ("qdrant.auth", QSnapError.Category.refused), ("qdrant.jwt-expired", QSnapError.Category.refused),
        ("qdrant.not-found", QSnapError.Category.failure), ("qdrant.server", QSnapError.Category.failure),
        ("qdrant.url", QSnapError.Category.usage), ("qdrant.download-length", QSnapError.Category.verificationFailed),
        ("archive.corrupt", QSnapError.Category.refused), ("archive.path-traversal", QSnapError.Category.refused),
        ("archive.checksum", QSnapError.Category.verificationFailed), ("inspect.sidecar", QSnapError.Category.usage),
        ("archive.feed-closed", QSnapError.Category.failure),
        ("s3.credentials", QSnapError.Category.usage), ("s3.credentials-unavailable", QSnapError.Category.failure),
        ("s3.auth", QSnapError.Category.failure), ("s3.endpoint", QSnapError.Category.usage),
        ("http.transport", QSnapError.Category.failure),
    ])
    func mappedCodesHaveTheirCategory(_ identifier: String, _ category: QSnapError.Category) throws {
        let code = try #require(QSnapError.Code(rawValue: identifier))
        #expect(code.category == category)
    }

    @Test func aMappedErrorKeepsItsMessageAndCause() throws {
        let failure = QdrantFailure(
            status: 401, method: "GET", path: "/collections", serverMessage: "no", retriable: false)
        let mapped = try #require(QSnapError(mapping: failure.error))
        #expect(mapped.code == .qdrantAuth)
        #expect(mapped.code.category == .refused)
        #expect(mapped.message == failure.error.message)
        #expect(mapped.cause as? QdrantFailure == failure)

        let transport = HTTPError(
            .transport, "GET x: refused", cause: HTTPTransportError(curlCode: 7, curlMessage: "m"))
        #expect(QSnapError(mapping: transport)?.code == .httpTransport)
        #expect(QSnapError(mapping: S3Error(.notFound, "gone"))?.code == .s3NotFound)
        #expect(QSnapError(mapping: ArchiveError(.corrupt, "bad"))?.message == "bad")
    }

    @Test func otherErrorsAreNotMappedUnlessACodeIsGiven() {
        struct Other: Error {}
        #expect(QSnapError(mapping: Other()) == nil)
        #expect(QSnapError(mapping: CancellationError()) == nil)
        let wrapped = QSnapError(mapping: Other(), else: .internal) { "unexpected: \($0)" }
        #expect(wrapped.code == .internal)
        #expect(wrapped.message == "unexpected: Other()")
        let kept = QSnapError(mapping: QSnapError(.repoRead, "r"), else: .internal)
        #expect(kept.code == .repoRead)
    }
}
