import Testing

@testable import QSnapCore

@Suite struct RestoreStagingMarkerTests {
    let name = "docs-qsnap-20261201T101010Z-abcdef"

    @Test func markedByMetadataOnNewTargets() {
        let mark = RestoreNaming.stagingMetadata(base: "docs", backupID: "20261201T101010Z-abcdef")
        #expect(RestoreNaming.isMarkedStaging(name, metadata: mark, hasMetadata: true))
        // the user's own metadata beside it does not matter
        var merged = mark.objectValue!
        merged["team"] = .string("search")
        #expect(RestoreNaming.isMarkedStaging(name, metadata: .object(merged), hasMetadata: true))
    }

    @Test func lookalikesAreNotMarked() {
        #expect(!RestoreNaming.isMarkedStaging(name, metadata: nil, hasMetadata: true))
        #expect(!RestoreNaming.isMarkedStaging(name, metadata: .object(["team": .string("x")]), hasMetadata: true))
        let otherBackup = RestoreNaming.stagingMetadata(base: "docs", backupID: "20261201T101010Z-000000")
        #expect(!RestoreNaming.isMarkedStaging(name, metadata: otherBackup, hasMetadata: true))
        let otherBase = RestoreNaming.stagingMetadata(base: "doc", backupID: "20261201T101010Z-abcdef")
        #expect(!RestoreNaming.isMarkedStaging(name, metadata: otherBase, hasMetadata: true))
        #expect(!RestoreNaming.isMarkedStaging("docs", metadata: nil, hasMetadata: false))
    }

    @Test func olderTargetsFallBackToTheName() {
        #expect(RestoreNaming.isMarkedStaging(name, metadata: nil, hasMetadata: false))
    }

    @Test func topologyRefusesAForeignCollectionWithTheStagingName() {
        let collection = BackupManifest.Collection(
            name: "docs", config: .object(["params": .object(["shard_number": .integer(1)])]),
            payloadSchema: .object([:]),
            pointsCount: 1, status: "green", placement: [])
        let input = TopologyGate.Input(
            collection: collection, kind: .collection, objectShards: [[0]], stagingName: name, aliases: ["docs"],
            targetNodes: 1, targetCollections: [name], targetAliases: [:], stagingNameIsForeign: true)
        let result = TopologyGate.evaluate(input)
        #expect(!result.passed)
        #expect(result.detail.contains("qsnap did not make"))
        var ours = input
        ours.stagingNameIsForeign = false
        #expect(TopologyGate.evaluate(ours).passed)
    }
}
