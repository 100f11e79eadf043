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

    /// The exit status of the failures the libraries report, once mapped.
    @Test(arguments: [
        ("qdrant.auth", ExitStatus.refused), ("qdrant.jwt-expired", ExitStatus.refused),
        ("qdrant.not-found", ExitStatus.failure), ("qdrant.server", ExitStatus.failure),
        ("qdrant.url", ExitStatus.usage), ("qdrant.download-length", ExitStatus.verificationFailed),
        ("archive.corrupt", ExitStatus.refused), ("archive.path-traversal", ExitStatus.refused),
        ("archive.checksum", ExitStatus.verificationFailed), ("inspect.sidecar", ExitStatus.usage),
        ("archive.feed-closed", ExitStatus.failure),
        ("s3.credentials", ExitStatus.usage), ("s3.credentials-unavailable", ExitStatus.failure),
        ("s3.auth", ExitStatus.failure), ("s3.endpoint", ExitStatus.usage),
        ("http.transport", ExitStatus.failure),
    ])
    func mappedCodesKeepTheirExitStatus(_ identifier: String, _ status: Int32) throws {
        let code = try #require(QSnapError.Code(rawValue: identifier))
        #expect(code.exitStatus == status)
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
