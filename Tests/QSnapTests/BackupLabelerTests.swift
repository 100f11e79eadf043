import Foundation
import Logging
import QSnapCore
import Testing

@testable import QSnap

@Suite struct BackupLabelerTests {
    func scratch() -> String {
        FileManager.default.temporaryDirectory.appendingPathComponent("qsnap-labels-\(UUID().uuidString)").path
    }

    func manifest(_ id: String) -> BackupManifest {
        BackupManifest(
            id: id, kind: .collection, qsnapVersion: "0.1.0", startedAt: "a", completedAt: "b",
            source: .init(
                qdrantVersion: "1.18.2", clusterEnabled: true,
                nodes: [.init(peerId: 18_446_744_073_709_551_000, url: "http://n1:6333", version: "1.18.2")]),
            collections: [], aliases: [], objects: [], checksumsVerifiedAgainstQdrant: true)
    }

    @Test func editsRoundTripThroughTheManifestAndKeepEverythingElse() async throws {
        let root = scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let repo = try LocalRepository(root: root)
        let old = "20261001T120000Z-aaaaaa", new = "20261002T120000Z-bbbbbb"
        try await ManifestStore.write(manifest(old), to: repo)
        try await ManifestStore.write(manifest(new), to: repo)
        let labeler = BackupLabeler(repository: repo, lock: nil)

        let tagged = try await labeler.apply(.tag(["release", "audited"]), to: old)
        #expect(tagged == .init(id: old, action: "tag", tags: ["audited", "release"], pinned: false, changed: true))
        await #expect(try labeler.apply(.tag(["release"]), to: old).changed == false)
        await #expect(try labeler.apply(.pin, to: "latest").id == new)
        await #expect(try labeler.apply(.untag(["audited"]), to: old).tags == ["release"])

        var expected = manifest(old)
        expected.labels = BackupLabels(tags: ["release"])
        await #expect(
            try ManifestStore.read(old, from: repo) == expected, "only the labels changed (u64 peer ids exact)")
        await #expect(try ManifestStore.read(new, from: repo).labels == BackupLabels(pinned: true))
        await #expect(try labeler.apply(.unpin, to: new).pinned == false)
        #expect(try repo.incompleteUploads(prefix: "").isEmpty, "written through a temporary file and renamed")
    }

    @Test func refusesBadTagsAndUnknownBackupsBeforeWriting() async throws {
        let root = scratch()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let repo = try LocalRepository(root: root)
        let id = "20261001T120000Z-aaaaaa"
        try await ManifestStore.write(manifest(id), to: repo)
        let before = try await repo.getAll(key: BackupLayout.manifest(id))
        let labeler = BackupLabeler(repository: repo, lock: nil)
        await #expect(throws: QSnapError.self) { try await labeler.apply(.tag(["a,b"]), to: id) }
        await #expect(throws: QSnapError.self) { try await labeler.apply(.pin, to: "20261009T120000Z-cccccc") }
        await #expect(try repo.getAll(key: BackupLayout.manifest(id)) == before)
    }
}
