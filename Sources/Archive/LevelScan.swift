import Foundation
import QSnapCore

/// Walks one level of a Qdrant snapshot archive — the root of a full, collection or shard snapshot, or a collection
/// snapshot nested in a full one — and accumulates what it finds.
struct LevelScan {
    /// Metadata files are small; anything larger is refused rather than read into memory.
    static let metadataLimit = 16 * 1024 * 1024
    static let rootMetadata: Set<String> = [
        "config.json", "version.info", "shard_key_mapping.json", "payload_index.json",
    ]
    static let shardMetadata: Set<String> = ["replica_state.json", "shard_config.json", "newest_clocks.json"]

    struct ShardState {
        var report: ShardReport
        var metadata: [String: [UInt8]] = [:]
        var streamableSegments: Set<String> = []
        var peekedSegment = false
    }

    let options: InspectOptions
    let label: String
    var entries = 0
    var unpackedBytes: Int64 = 0
    var nestedUnpackedBytes: Int64 = 0
    var rootFiles: [String: [UInt8]] = [:]
    var shards: [Int: ShardState] = [:]
    var root = ShardState(report: ShardReport(id: nil))
    var nestedCollections: [CollectionReport] = []
    var formats: Set<SegmentFormat> = []
    var endMarker: Bool?

    init(options: InspectOptions, label: String) {
        self.options = options
        self.label = label
    }

    /// Reads every entry of `reader`.
    mutating func walk(_ reader: ArchiveReader, checkEndMarker: Bool) throws {
        var safety = EntrySafety(archiveLabel: reader.label)
        var index = 0
        while let entry = try reader.nextEntry() {
            index += 1
            entries += 1
            try safety.check(entry, index: index)
            if entry.kind == .regular { unpackedBytes += entry.size }
            try visit(entry, reader: reader)
        }
        let ended = try reader.finish()
        if checkEndMarker {
            endMarker = ended
            if !ended {
                throw ArchiveError(
                    .truncated,
                    "\(reader.label): the archive ends without the tar end-of-archive marker; it was cut short. Refusing it."
                )
            }
        }
    }

    private mutating func visit(_ entry: ArchiveEntry, reader: ArchiveReader) throws {
        let path = entry.normalizedPath
        var parts = path.split(separator: "/").map(String.init)
        guard !parts.isEmpty else { return }

        // A collection snapshot nested in a full snapshot.
        if parts.count == 1, entry.kind == .regular, parts[0].hasSuffix(".snapshot") {
            try scanNestedCollection(entry, name: parts[0], reader: reader)
            return
        }
        var shardId: Int?
        if parts.count >= 2, parts[0].utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let id = Int(parts[0]) {
            shardId = id
            parts.removeFirst()
        } else if parts.count == 1, entry.kind == .directory, let id = Int(parts[0]) {
            _ = state(for: id)
            return
        }
        if shardId == nil, parts.count == 1, Self.rootMetadata.contains(parts[0]), entry.kind == .regular {
            rootFiles[parts[0]] = try reader.readAll(limit: Self.metadataLimit, entryName: path)
            return
        }
        var shard = shardId.map { state(for: $0) } ?? root
        defer {
            if let shardId { shards[shardId] = shard } else { root = shard }
        }
        if parts.count == 1, Self.shardMetadata.contains(parts[0]), entry.kind == .regular {
            shard.metadata[parts[0]] = try reader.readAll(limit: Self.metadataLimit, entryName: path)
            return
        }
        switch parts[0] {
        case "wal":
            shard.report.hasData = true
            if entry.kind == .regular { shard.report.walBytes += entry.size }
        case "segments":
            shard.report.hasData = true
            if parts.count == 2, entry.kind == .regular, parts[1].hasSuffix(".tar") {
                shard.report.segments += 1
                shard.report.segmentBytes += entry.size
                if options.deep || !shard.peekedSegment {
                    shard.peekedSegment = true
                    formats.insert(try scanSegment(entry, path: path, reader: reader, deep: options.deep))
                }
            } else if parts.count >= 3 {
                formats.insert(.streamable)
                if shard.streamableSegments.insert(parts[1]).inserted { shard.report.segments += 1 }
                if entry.kind == .regular { shard.report.segmentBytes += entry.size }
            }
        default:
            break
        }
    }

    private mutating func state(for id: Int) -> ShardState {
        if let existing = shards[id] { return existing }
        let fresh = ShardState(report: ShardReport(id: id))
        shards[id] = fresh
        return fresh
    }

    /// Reads a nested `segments/<uuid>.tar`; returns its format era.
    private mutating func scanSegment(_ entry: ArchiveEntry, path: String, reader: ArchiveReader, deep: Bool) throws
        -> SegmentFormat
    {
        let nested = try ArchiveReader(
            .nested(reader), label: "\(reader.label)!\(path)", expansionLimit: options.expansionLimit)
        var safety = EntrySafety(archiveLabel: nested.label)
        var format: SegmentFormat?
        var sawSnapshotDir = false
        var index = 0
        while let inner = try nested.nextEntry() {
            index += 1
            entries += 1
            try safety.check(inner, index: index)
            let p = inner.normalizedPath
            if p == "snapshot" { sawSnapshotDir = true; continue }
            if p.hasPrefix("snapshot/db_backup") || p.hasPrefix("snapshot/payload_index_db_backup") {
                format = .rocksdb
            } else if p.hasPrefix("snapshot/files/") || p == "snapshot/files" {
                if format == nil { format = .regular }
            } else if !p.hasPrefix("snapshot/") {
                if format == nil, !sawSnapshotDir { format = .ancient }
            }
            if !deep, format != nil { return format! }
        }
        if deep, !(try nested.finish()) {
            throw ArchiveError(
                .truncated,
                "\(nested.label): the segment archive ends without the tar end-of-archive marker; it was cut short. Refusing it."
            )
        }
        return format ?? .regular
    }

    /// Reads a collection snapshot nested in a full snapshot.
    private mutating func scanNestedCollection(_ entry: ArchiveEntry, name: String, reader: ArchiveReader) throws {
        // Deep: hash the nested file as it is read (the walk drains it to its end), for a restore to send it on.
        let nested = try ArchiveReader(
            .nested(reader), label: "\(reader.label)!\(name)", hashing: options.deep,
            expansionLimit: options.expansionLimit)
        var scan = LevelScan(options: options, label: nested.label)
        try scan.walk(nested, checkEndMarker: true)
        entries += scan.entries
        nestedUnpackedBytes += scan.unpackedBytes
        formats.formUnion(scan.formats)
        var report = try scan.collectionReport(bytes: entry.size)
        report.snapshotFile = name
        report.snapshotSHA256 = nested.sha256
        report.name = SnapshotName.parse(name)?.collection
        nestedCollections.append(report)
    }

    /// The era of the oldest segment layout seen.
    var segmentFormat: SegmentFormat { formats.min() ?? .none }

    /// The level as a collection snapshot.
    func collectionReport(bytes: Int64) throws -> CollectionReport {
        guard let configBytes = rootFiles["config.json"] else {
            throw ArchiveError(
                .notQdrant, "\(label): no config.json at the root: not a Qdrant collection snapshot"
            )
        }
        let config = try parseJSON(configBytes, "config.json")
        return CollectionReport(
            name: nil, snapshotFile: nil, config: CollectionConfigSummary(config: config),
            payloadSchema: try rootFiles["payload_index.json"].map {
                try parseJSON($0, "payload_index.json")["schema"] ?? .null
            },
            shardKeyMapping: try rootFiles["shard_key_mapping.json"].map {
                try parseJSON($0, "shard_key_mapping.json")
            },
            storageVersion: rootFiles["version.info"].map {
                String(decoding: $0, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            },
            shards: try shards.keys.sorted().map { try finished(shards[$0]!) },
            bytes: bytes, segmentFormat: segmentFormat)
    }

    /// The root as a shard snapshot.
    func shardReport() throws -> ShardReport { try finished(root) }

    /// True when the root itself is a shard (files of a shard directory at the top level).
    var rootIsShard: Bool { root.report.hasData || !root.metadata.isEmpty }

    private func finished(_ state: ShardState) throws -> ShardReport {
        var report = state.report
        if let bytes = state.metadata["replica_state.json"] {
            let json = try parseJSON(bytes, "replica_state.json")
            report.isLocal = json["is_local"]?.boolValue
            report.thisPeerId = json["this_peer_id"]?.uint64Value
            if let peers = json["peers"]?.objectValue {
                report.peers = peers.compactMapValues { $0.stringValue ?? $0.description }
            }
        }
        if let bytes = state.metadata["newest_clocks.json"] {
            let json = try parseJSON(bytes, "newest_clocks.json")
            report.clocks = (json["clocks"]?.arrayValue ?? []).compactMap { c in
                guard let peer = c["peer_id"]?.uint64Value, let id = c["clock_id"]?.intValue,
                    let tick = c["current_tick"]?.intValue
                else { return nil }
                return ShardReport.Clock(peerId: peer, clockId: id, currentTick: tick)
            }
        }
        return report
    }

    func parseJSON(_ bytes: [UInt8], _ name: String) throws -> JSONValue {
        do {
            return try JSONValue.parse(bytes)
        } catch {
            throw ArchiveError(
                .badMetadata, "\(label): \(name) is not valid JSON; the snapshot is damaged")
        }
    }
}
