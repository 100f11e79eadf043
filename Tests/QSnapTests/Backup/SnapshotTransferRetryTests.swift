import HTTP
import QSnapCore
import Qdrant
import S3
import Testing

@testable import QSnap

/// Which failed transfers are attempted again: decided on the failure's type, never on its code's text.
@Suite struct SnapshotTransferRetryTests {
    @Test func retriableFailuresAreKnownByTheirType() {
        let reset = HTTPError(
            .transport, "reset", cause: HTTPTransportError(curlCode: 56, curlMessage: "reset"))
        let badCertificate = HTTPError(
            .transport, "tls", cause: HTTPTransportError(curlCode: 60, curlMessage: "bad cert"))
        let slowDown = S3Error(
            .error, "slow", cause: S3ServiceError(status: 503, code: "SlowDown", message: ""))
        let denied = S3Error(
            .accessDenied, "denied",
            cause: S3ServiceError(status: 403, code: "AccessDenied", message: ""))
        let nodeDown = QdrantFailure(status: 502, method: "GET", path: "/x", serverMessage: "", retriable: true).error
        let refused = QdrantFailure(status: 403, method: "GET", path: "/x", serverMessage: "", retriable: false).error
        let corrupt = QSnapError(.backupCorruptDownload, "not intact")
        #expect(SnapshotTransfer.isRetriable(reset))
        #expect(SnapshotTransfer.isRetriable(slowDown))
        #expect(SnapshotTransfer.isRetriable(nodeDown))
        #expect(SnapshotTransfer.isRetriable(corrupt))
        #expect(!SnapshotTransfer.isRetriable(badCertificate))
        #expect(!SnapshotTransfer.isRetriable(denied))
        #expect(!SnapshotTransfer.isRetriable(refused))
        // A code that merely looks like a transport failure, without the failure behind it, is not retried; nor is
        // a library failure already mapped to qsnap's error (its type is gone).
        #expect(!SnapshotTransfer.isRetriable(HTTPError(.transport, "no cause")))
        #expect(!SnapshotTransfer.isRetriable(QSnapError(mapping: reset)!))
        #expect(!SnapshotTransfer.isRetriable(CancellationError()))
    }
}
