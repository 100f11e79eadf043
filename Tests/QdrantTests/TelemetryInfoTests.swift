import QSnapCore
import Testing

@testable import Qdrant

@Suite struct TelemetryInfoTests {
    @Test func sizesAreConvertedFromKiBToBytes() throws {
        let t = try QdrantFixtures.result(TelemetryInfo.self, QdrantFixtures.telemetryLevel2)
        #expect(t.version == QdrantVersion(major: 1, minor: 19, patch: 0))
        #expect(t.diskSizeBytes == Int64(264_212_084) * 1024)
        #expect(t.ramSizeBytes == Int64(24_684_084) * 1024)
        #expect(t.cores == 2)
        #expect(t.numberOfCollections == 2)
    }

    @Test func snapshotActivityPerCollection() throws {
        let t = try QdrantFixtures.result(TelemetryInfo.self, QdrantFixtures.telemetryLevel2)
        #expect(
            t.snapshots["busy"] == .init(runningSnapshots: 1, runningSnapshotRecovery: 0, totalSnapshotCreations: 4))
        #expect(t.snapshots["idle"] == .init())
        #expect(t.snapshots["other"] == nil)
    }

    @Test func lowDetailTelemetryHasNoSystemSection() throws {
        let t = try QdrantFixtures.result(TelemetryInfo.self, QdrantFixtures.telemetryLevel0)
        #expect(t.version == QdrantVersion(major: 1, minor: 17, patch: 1))
        #expect(t.diskSizeBytes == nil && t.ramSizeBytes == nil)
        #expect(t.snapshots.isEmpty)
    }

    @Test func telemetryWithoutAppIsAnError() {
        #expect(throws: (any Error).self) {
            _ = try QdrantFixtures.result(
                TelemetryInfo.self, #"{"result":{"id":"x","collections":{"number_of_collections":0}},"status":"ok"}"#)
        }
    }
}
