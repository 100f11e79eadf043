import Foundation
import QSnapCore
import Testing

@testable import Archive

@Suite struct SnapshotInspectorTests {
    // MARK: Real archives written by Qdrant servers

    @Test func shardSnapshotFixture() throws {
        let r = try SnapshotInspector.inspect(path: Fixtures.qdrant("shard-snapshot-2026.snapshot"))
        #expect(r.kind == .shard)
        #expect(r.segmentFormat == SegmentFormat.none)
        #expect(r.archive.compression.isEmpty)
        #expect(r.archive.endMarker == true)
        let shard = try #require(r.shard)
        #expect(shard.isLocal == true)
        #expect(shard.thisPeerId == 7_906_894_357_956_606)
        #expect(shard.peers == ["7906894357956606": "Active"])
        #expect(shard.walBytes == 1_048_576)
        #expect(shard.segments == 0)
        #expect(shard.clocks.count == 4)
        #expect(r.totals.entries == 5)
    }

    @Test(arguments: ["full-snapshot-2023-12.snapshot.gz", "full-snapshot-2023-06.snapshot.gz"])
    func fullSnapshotFixtures(_ name: String) throws {
        let r = try SnapshotInspector.inspect(path: Fixtures.qdrant(name))
        #expect(r.kind == .full)
        #expect(r.archive.compression == ["gzip"])
        #expect(r.segmentFormat == .rocksdb)
        #expect(r.aliases == [:])
        let names = r.collections.compactMap(\.name)
        #expect(
            names == [
                "test_collection", "test_collection_product_x16", "test_collection_product_x32",
                "test_collection_product_x64", "test_collection_product_x8", "test_collection_scalar_int8",
            ])
        for c in r.collections {
            #expect(c.shards.count == 1)
            #expect(c.shards[0].isLocal == true)
            #expect(c.shards[0].segments >= 2)
            // two 32 MiB segments + first-index
            #expect((64 * 1_048_576)...(64 * 1_048_576 + 64) ~= c.shards[0].walBytes)
            #expect(c.config?.shardNumber == 1)
            #expect(c.storageVersion == "0.4.2")
        }
        let x16 = try #require(r.collections.first { $0.name == "test_collection_product_x16" })
        #expect(x16.config?.quantization == .object(["product": .object(["compression": .string("x16")])]))
    }

    @Test func december2023VectorConfig() throws {
        let r = try SnapshotInspector.inspect(path: Fixtures.qdrant("full-snapshot-2023-12.snapshot.gz"))
        let c = try #require(r.collections.first { $0.name == "test_collection" })
        let cfg = try #require(c.config)
        #expect(cfg.vectors.count == 1)
        #expect(cfg.vectors[0].name == "image")
        #expect(cfg.vectors[0].size == 256)
        #expect(cfg.vectors[0].distance == "Dot")
        #expect(cfg.vectors[0].datatype == "float32")
        #expect(cfg.sparseVectors.map(\.name) == ["text"])
        #expect(cfg.sparseVectors[0].onDisk == true)
        #expect(c.payloadSchema?["keyword_field"] == .string("keyword"))
        #expect(c.shards[0].thisPeerId == 7_061_706_081_153_926)
    }

    @Test func june2023UnnamedVector() throws {
        let r = try SnapshotInspector.inspect(path: Fixtures.qdrant("full-snapshot-2023-06.snapshot.gz"))
        let c = try #require(r.collections.first { $0.name == "test_collection" })
        #expect(c.config?.vectors.first?.name == "")
        #expect(c.config?.vectors.first?.size == 50)
    }

    @Test func decompressedOnTheFlyThroughAPipe() throws {
        let gunzip = Process()
        gunzip.executableURL = URL(fileURLWithPath: "/bin/sh")
        gunzip.arguments = ["-c", "gzip -dc \"$0\"", Fixtures.qdrant("full-snapshot-2023-12.snapshot.gz")]
        let pipe = Pipe()
        gunzip.standardOutput = pipe
        try gunzip.run()
        let r = try SnapshotInspector.inspect(
            fileDescriptor: pipe.fileHandleForReading.fileDescriptor, options: InspectOptions(computeSHA256: true))
        gunzip.waitUntilExit()
        #expect(r.kind == .full)
        #expect(r.archive.compression.isEmpty)
        #expect(r.archive.endMarker == true)
        #expect(r.collections.count == 6)
        #expect(r.archive.bytes == 405_713_408)
        #expect(r.archive.sha256?.count == 64)
    }

    @Test func zstdCompressedCopy() throws {
        let dir = try ScratchDirectory()
        let out = dir.url.appendingPathComponent("shard.snapshot.zst").path
        let zstd = Process()
        zstd.executableURL = URL(fileURLWithPath: "/bin/sh")
        zstd.arguments = ["-c", "zstd -q -c \"$0\" > \"$1\"", Fixtures.qdrant("shard-snapshot-2026.snapshot"), out]
        try zstd.run()
        zstd.waitUntilExit()
        try #require(zstd.terminationStatus == 0, "zstd must be installed (make setup installs it)")
        let r = try SnapshotInspector.inspect(path: out)
        #expect(r.archive.compression == ["zstd"])
        #expect(r.kind == .shard)
        #expect(r.shard?.clocks.count == 4)
    }

    // MARK: Checksums

    @Test func checksumFlagAndSidecar() throws {
        let fixture = Fixtures.qdrant("shard-snapshot-2026.snapshot")
        let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: fixture)))
        let sha = Digest.sha256Hex(bytes)
        let ok = try SnapshotInspector.inspect(path: fixture, options: InspectOptions(expectedSHA256: sha.uppercased()))
        #expect(ok.archive.checksumVerified == true)
        #expect(ok.archive.sha256 == sha)

        var wrong = Array(sha)
        wrong[0] = wrong[0] == "0" ? "1" : "0"
        #expect(throws: ArchiveError.self) {
            try SnapshotInspector.inspect(path: fixture, options: InspectOptions(expectedSHA256: String(wrong)))
        }
        do {
            _ = try SnapshotInspector.inspect(path: fixture, options: InspectOptions(expectedSHA256: String(wrong)))
        } catch let e as ArchiveError {
        }

        let dir = try ScratchDirectory()
        let copy = try dir.write("c-shard-0-2026-01-02-23-45-00.snapshot", bytes)
        try Data(sha.utf8).write(to: URL(fileURLWithPath: copy + ".checksum"))
        let viaSidecar = try SnapshotInspector.inspect(path: copy)
        #expect(viaSidecar.archive.checksumSource == "sidecar")
        #expect(viaSidecar.archive.checksumVerified == true)
        #expect(viaSidecar.name?.shardId == 0)
        #expect(viaSidecar.shard?.id == 0)

        try Data(String(wrong).utf8).write(to: URL(fileURLWithPath: copy + ".checksum"))
        let error = try #require(throws: ArchiveError.self) { try SnapshotInspector.inspect(path: copy) }
        #expect(error.code == .checksum)
        #expect(error.message.contains("sidecar"))
    }

    @Test func malformedChecksumIsAUsageError() throws {
        let error = try #require(throws: ArchiveError.self) {
            try SnapshotInspector.inspect(
                path: Fixtures.qdrant("shard-snapshot-2026.snapshot"), options: InspectOptions(expectedSHA256: "abc"))
        }
        #expect(error.code == .inspectChecksum)  // a usage error (exit 2) once mapped
    }

    // MARK: Synthetic archives in Qdrant's layouts

    @Test func clusterNodeCollectionSnapshot() throws {
        let dir = try ScratchDirectory()
        let path = try dir.write(
            "prod-vectors-\(SyntheticSnapshots.peer)-2026-11-21-10-00-00.snapshot",
            SyntheticSnapshots.clusterCollection())
        for deep in [true, false] {
            let r = try SnapshotInspector.inspect(path: path, options: InspectOptions(deep: deep))
            #expect(r.kind == .collection)
            #expect(r.segmentFormat == .regular)
            #expect(r.name?.collection == "prod-vectors")
            #expect(r.name?.peerId == SyntheticSnapshots.peer)
            let c = try #require(r.collections.first)
            #expect(c.name == "prod-vectors")
            #expect(c.config?.shardNumber == 2)
            #expect(c.config?.replicationFactor == 2)
            #expect(c.config?.vectors.map(\.name) == ["colbert", "dense"])
            let colbert = try #require(c.config?.vectors.first)
            #expect(colbert.multivector == "max_sim")
            #expect(colbert.datatype == "float16")
            #expect(c.config?.vectors[1].onDisk == true)
            #expect(c.config?.sparseVectors.first?.modifier == "idf")
            #expect(c.shards.map(\.id) == [0, 1])
            #expect(c.shards[0].isLocal == true)
            #expect(c.shards[0].segments == 2)
            #expect(c.shards[0].hasData)
            #expect(
                c.shards[0].clocks == [ShardReport.Clock(peerId: SyntheticSnapshots.peer, clockId: 0, currentTick: 12)])
            #expect(c.shards[1].isLocal == false)
            #expect(!c.shards[1].hasData)
            #expect(c.payloadSchema?["city"] == .string("keyword"))
            #expect(r.archive.mode == (deep ? "deep" : "headers"))
        }
    }

    @Test func streamedShardSnapshotIsStreamableFormat() throws {
        let dir = try ScratchDirectory()
        let path = try dir.write("s.snapshot", SyntheticSnapshots.streamedShard())
        let r = try SnapshotInspector.inspect(path: path)
        #expect(r.kind == .shard)
        #expect(r.segmentFormat == .streamable)
        #expect(r.shard?.segments == 1)
        #expect(r.shard?.segmentBytes == Int64(3000 + #"{"version":3}"#.utf8.count))
    }

    @Test func headersOnlySeeksOverData() throws {
        let dir = try ScratchDirectory()
        var t = TestTar()
        t.file("0/wal/open-1", [UInt8](repeating: 0, count: 8 << 20))
        t.file("0/replica_state.json", #"{"is_local":true,"this_peer_id":1,"peers":{"1":"Active"}}"#)
        t.file("config.json", SyntheticSnapshots.config)
        let path = try dir.write("big.snapshot", t.archive())

        let headers = try ArchiveReader(.path(path), label: "big", allowSeek: true)
        while try headers.nextEntry() != nil {}
        #expect(try headers.finish())
        #expect(headers.rawBytesSkipped >= 7 << 20)

        let deep = try ArchiveReader(.path(path), label: "big", hashing: true)
        while try deep.nextEntry() != nil {}
        #expect(try deep.finish())
        #expect(deep.rawBytesSkipped == 0)
        #expect(deep.sha256 == Digest.sha256Hex(t.archive()))
    }

    @Test func restoreDiskEstimateCoversArchiveAndUnpackedCopy() throws {
        let dir = try ScratchDirectory()
        let bytes = SyntheticSnapshots.clusterCollection()
        let path = try dir.write("c.snapshot", bytes)
        let r = try SnapshotInspector.inspect(path: path)
        #expect(r.totals.restoreDiskBytes == Int64(bytes.count) + r.totals.unpackedBytes)
        #expect(r.totals.unpackedBytes > 4096)
    }
}
