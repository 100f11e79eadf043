import QSnapCore
import Qdrant
import Testing

@testable import QSnap

/// A node's failure names the node and keeps its type, so the retry decision still sees what failed.
@Suite struct ServerSnapshotsAnnotateTests {
    @Test func aQdrantFailureNamesTheNodeAndStaysAQdrantError() throws {
        let failure = QdrantFailure(status: 502, method: "GET", path: "/x", serverMessage: "", retriable: true).error
        let annotated = try #require(ServerSnapshots.annotate(failure, node: "http://n2:6333") as? QdrantError)
        #expect(annotated.message.hasPrefix("http://n2:6333: "))
        #expect(annotated.isRetriableQdrantFailure)
        #expect(SnapshotTransfer.isRetriable(annotated))
    }

    @Test func anErrorThatNamesTheNodeAlreadyIsLeftAlone() throws {
        let error = QSnapError(.backupNode, "http://n2:6333 has no snapshot")
        let annotated = try #require(ServerSnapshots.annotate(error, node: "http://n2:6333") as? QSnapError)
        #expect(annotated.message == "http://n2:6333 has no snapshot")
        #expect(ServerSnapshots.annotate(CancellationError(), node: "n") is CancellationError)
    }
}
