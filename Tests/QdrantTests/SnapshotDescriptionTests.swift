import Foundation
import Testing

@testable import Qdrant

@Suite struct SnapshotDescriptionTests {
    @Test func decodesACreatedSnapshot() throws {
        let d = try QdrantFixtures.result(SnapshotDescription.self, QdrantFixtures.snapshotCreated)
        #expect(d.name == "my-collection-3766212330831337-2024-07-22-08-31-55.snapshot")
        #expect(d.size == 1_000_000)
        #expect(d.checksum?.count == 64)
        #expect(d.creationTime == "2024-07-22T08:31:55")
        #expect(d.creationDate == Date(timeIntervalSince1970: 1_721_637_115))
    }

    @Test func listingToleratesNullTimesMissingChecksumsAndFractions() throws {
        let list = try QdrantFixtures.result([SnapshotDescription].self, QdrantFixtures.snapshotList)
        #expect(list.count == 3)
        #expect(list[0].checksum == nil)
        #expect(list[1].creationTime == nil && list[1].creationDate == nil)
        #expect(list[2].creationDate == Date(timeIntervalSince1970: 1_721_520_000.25))
    }

    @Test func newestIsChosenByTheTimeInTheName() throws {
        let list = try QdrantFixtures.result([SnapshotDescription].self, QdrantFixtures.snapshotList)
        let newest = list.max { QdrantClient.isOlder($0, than: $1) }
        #expect(newest?.name == "c-1-2024-07-22-08-31-55.snapshot")
    }

    @Test func listingsAreSortedAndKeepOnlyBareNames() throws {
        var list = try QdrantFixtures.result([SnapshotDescription].self, QdrantFixtures.snapshotList)
        list.append(SnapshotDescription(name: "shards/0/c-shard-0-2024-07-22-08-31-55.snapshot", size: 3))
        #expect(
            QdrantClient.usableListing(list).map(\.name)
                == ["a-1-2024-07-21-00-00-00.snapshot", "b-upload.snapshot", "c-1-2024-07-22-08-31-55.snapshot"])
    }
}
