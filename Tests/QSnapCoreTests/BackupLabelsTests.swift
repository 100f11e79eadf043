import Foundation
import Testing

@testable import QSnapCore

@Suite struct BackupLabelsTests {
    static let manifest = BackupManifest(
        id: "20261118T101320Z-abcdef", kind: .collection, qsnapVersion: "0.1.0", startedAt: "a", completedAt: "b",
        source: .init(qdrantVersion: "1.18.2", clusterEnabled: false, nodes: []), collections: [], aliases: [],
        objects: [], checksumsVerifiedAgainstQdrant: true)

    @Test func manifestsWithoutLabelsStillDecode() throws {
        let data = try JSONEncoder().encode(Self.manifest)
        let text = String(decoding: data, as: UTF8.self)
        #expect(!text.contains("\"tags\"") && !text.contains("\"pinned\""), "nil labels are not written")
        let decoded = try JSONDecoder().decode(BackupManifest.self, from: data)
        #expect(decoded.tags == nil && decoded.pinned == nil)
        #expect(decoded.labels == BackupLabels())
        #expect(try JSONDecoder().decode(BackupLabels.self, from: data) == BackupLabels())
        #expect(
            try JSONDecoder().decode(BackupLabels.self, from: Data(#"{"id":"x","tags":null}"#.utf8)) == BackupLabels())
    }

    @Test func labelsRoundTripThroughTheManifest() throws {
        var m = Self.manifest
        m.labels = BackupLabels(tags: ["release", "audited", "release"], pinned: true)
        #expect(m.tags == ["audited", "release"] && m.pinned == true)
        let decoded = try JSONDecoder().decode(BackupManifest.self, from: try JSONEncoder().encode(m))
        #expect(decoded == m)
        #expect(try JSONDecoder().decode(BackupLabels.self, from: try JSONEncoder().encode(m)) == m.labels)
    }

    @Test func editsAddRemovePinAndUnpin() {
        let start = BackupLabels(tags: ["b"])
        let tagged = start.applying(.tag(["a", "b", "c"]))
        #expect(tagged == BackupLabels(tags: ["a", "b", "c"]))
        #expect(tagged.applying(.untag(["b", "zz"])).tags == ["a", "c"])
        let pinned = tagged.applying(.pin)
        #expect(pinned.pinned && pinned.tags == tagged.tags)
        #expect(pinned.applying(.pin) == pinned)
        #expect(!pinned.applying(.unpin).pinned)
        #expect(BackupLabelEdit.untag([]).name == "untag" && BackupLabelEdit.pin.name == "pin")
    }

    @Test(arguments: ["release", "v1.2.3", "team:search", "a/b", "x@y+z=w", String(repeating: "t", count: 64)])
    func acceptsTags(_ tag: String) throws {
        try BackupLabels.validate(tag: tag)
    }

    @Test(arguments: ["", "a,b", "with space", "tab\t", "ünïcode", "semi;colon", String(repeating: "t", count: 65)])
    func refusesTags(_ tag: String) {
        #expect(throws: QSnapError.self) { try BackupLabels.validate(tag: tag) }
        do {
            try BackupLabels.validate(tag: tag)
        } catch let error as QSnapError {
            #expect(error.code == .backupTag)
        } catch {
            Issue.record("unexpected \(error)")
        }
    }
}
