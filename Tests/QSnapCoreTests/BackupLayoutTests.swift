import Foundation
import Testing

@testable import QSnapCore

@Suite struct BackupLayoutTests {
    @Test func idsAreSortableValidAndCarryTheirTime() throws {
        let date = Date(timeIntervalSince1970: 1_795_000_000)  // 2026-11-18T11:06:40Z
        let id = BackupLayout.newID(at: date, random: [0xab, 0xcd, 0xef])
        #expect(id == "20261118T110640Z-000def")  // millisecond 0, the low 14 bits of the random bytes
        #expect(BackupLayout.isValidID(id))
        #expect(BackupLayout.date(ofID: id) == date)
        let later = BackupLayout.newID(at: date.addingTimeInterval(1), random: [0, 0, 0])
        #expect(later > id)
    }

    /// Backups started in the same second sort by start time whatever their random bits: `latest` and `list` go by
    /// id, so a random order within a second made `latest` and keep-last pick the older backup.
    @Test(arguments: [
        ([UInt8](repeating: 0, count: 3), [UInt8](repeating: 0xff, count: 3)), ([0xff, 0xff, 0xff], [0, 0, 0]),
    ])
    func idsOfOneSecondSortByStartTime(earlierRandom: [UInt8], laterRandom: [UInt8]) {
        let second = Date(timeIntervalSince1970: 1_795_000_000)
        let earlier = BackupLayout.newID(at: second.addingTimeInterval(0.25), random: earlierRandom)
        let later = BackupLayout.newID(at: second.addingTimeInterval(0.251), random: laterRandom)
        #expect(earlier < later)
        #expect(BackupLayout.isValidID(earlier) && BackupLayout.isValidID(later))
        #expect(BackupLayout.date(ofID: earlier) == second && BackupLayout.date(ofID: later) == second)
        let lastMillisecond = BackupLayout.newID(at: second.addingTimeInterval(0.9999), random: earlierRandom)
        #expect(lastMillisecond.hasPrefix("20261118T110640Z-"))
        #expect(lastMillisecond < BackupLayout.newID(at: second.addingTimeInterval(1), random: laterRandom))
    }

    @Test(arguments: [
        "", "../x", "20261118T101320Z", "20261118T101320Z-abcdeg", "20261118X101320Z-abcdef",
        "20261118T101320Z-abcdef/..", "latest",
    ])
    func rejectsForeignIDs(_ id: String) {
        #expect(!BackupLayout.isValidID(id))
    }

    @Test func keys() {
        let id = "20261118T101320Z-abcdef"
        #expect(BackupLayout.manifest(id) == "backups/\(id)/manifest.json")
        #expect(
            BackupLayout.objectKey(backup: id, unit: .collection(name: "a-b", peer: 7), snapshotName: "x.snapshot")
                == "backups/\(id)/objects/a-b/peer-7/x.snapshot")
        #expect(
            BackupLayout.objectKey(backup: id, unit: .shard(collection: "c", shard: 3), snapshotName: "s")
                == "backups/\(id)/objects/c/shard-3/s")
        #expect(BackupLayout.backupID(inKey: "backups/\(id)/objects/c/shard-3/s") == id)
        #expect(BackupLayout.backupID(inKey: "backups/nope/manifest.json") == nil)
    }

    @Test func manifestRoundTripsThroughJSON() throws {
        let m = BackupManifest(
            id: "20261118T101320Z-abcdef", kind: .shard, qsnapVersion: "0.1.0", startedAt: "a", completedAt: "b",
            source: .init(
                qdrantVersion: "1.18.2", clusterEnabled: true,
                nodes: [.init(peerId: 1, url: "http://n1:6333", version: "1.18.2")]),
            collections: [
                .init(
                    name: "c", config: .object(["params": .object(["shard_number": .number(2)])]),
                    payloadSchema: .object([:]), pointsCount: 10, status: "green",
                    placement: [.init(shardId: 0, replicas: [.init(peerId: 1, state: "Active", pointsCount: 5)])])
            ],
            aliases: [.init(alias: "live", collection: "c")],
            objects: [
                .init(
                    key: "k", size: 3, sha256: String(repeating: "a", count: 64), etag: "e", kind: .shard,
                    collection: "c", shardId: 0, peerId: 1, nodeURL: "http://n1:6333", snapshotName: "s", shards: [0])
            ],
            checksumsVerifiedAgainstQdrant: true)
        let data = try JSONEncoder().encode(m)
        #expect(try JSONDecoder().decode(BackupManifest.self, from: data) == m)
        #expect(m.collections[0].shardNumber == 2)
        #expect(m.totalBytes == 3)
    }
}
