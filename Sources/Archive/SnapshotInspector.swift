import Foundation
import QSnapCore

/// Reports on a Qdrant snapshot archive — full-storage, collection or shard — without extracting anything.
public enum SnapshotInspector {
    /// Inspects the archive at `path`. A `<path>.checksum` sidecar (Qdrant's format: 64 hex digits) is verified when
    /// present and no checksum was given.
    /// - Throws: ``ArchiveError``: a refusal (exit 3 once mapped) for unsafe, truncated or non-Qdrant archives,
    ///   `.checksum` (exit 4) for a checksum mismatch, `.open` (exit 2) when the file cannot be opened.
    public static func inspect(path: String, options: InspectOptions = InspectOptions()) throws -> SnapshotReport {
        var options = options
        if options.expectedSHA256 == nil, let sidecar = try readSidecar(path + ".checksum") {
            options.expectedSHA256 = sidecar
            options.checksumSource = "sidecar"
        }
        let label = (path as NSString).lastPathComponent
        let reader = try ArchiveReader(
            .path(path), label: label, hashing: hashing(options), allowSeek: !options.deep,
            expansionLimit: options.expansionLimit)
        return try inspect(reader: reader, displayPath: path, fileName: label, options: options)
    }

    /// Inspects an archive read from a file descriptor (e.g. standard input); nothing is seeked.
    public static func inspect(
        fileDescriptor: Int32, displayPath: String = "-", fileName: String? = nil,
        options: InspectOptions = InspectOptions()
    ) throws -> SnapshotReport {
        let reader = try ArchiveReader(
            .fileDescriptor(fileDescriptor), label: displayPath, hashing: hashing(options), allowSeek: false,
            expansionLimit: options.expansionLimit)
        return try inspect(reader: reader, displayPath: displayPath, fileName: fileName, options: options)
    }

    /// Inspects an archive whose bytes a task pushes into `feed` (e.g. while it streams them into an upload); nothing
    /// is seeked. Blocks while it waits for bytes: run it on ``ArchiveWorkers``. The feed is closed when the
    /// inspection ends, so a producer waiting on it stops at once.
    public static func inspect(
        feed: ArchiveFeed, displayPath: String, fileName: String? = nil,
        options: InspectOptions = InspectOptions()
    ) throws -> SnapshotReport {
        defer { feed.close() }
        let reader = try ArchiveReader(
            .feed(feed), label: displayPath, hashing: hashing(options), allowSeek: false,
            expansionLimit: options.expansionLimit)
        return try inspect(reader: reader, displayPath: displayPath, fileName: fileName, options: options)
    }

    private static func hashing(_ options: InspectOptions) -> Bool {
        options.expectedSHA256 != nil || options.computeSHA256
    }

    static func inspect(reader: ArchiveReader, displayPath: String, fileName: String?, options: InspectOptions) throws
        -> SnapshotReport
    {
        if let expected = options.expectedSHA256,
            !Hex.isSHA256(expected.trimmingCharacters(in: .whitespacesAndNewlines))
        {
            throw ArchiveError(
                .inspectChecksum,
                "--checksum must be 64 hexadecimal digits (a SHA-256), got \(expected.count) characters")
        }
        var scan = LevelScan(options: options, label: reader.label)
        // Compressed input: the compressor's own framing detects truncation; the marker is checked on plain tar.
        let plain = reader.filters.isEmpty
        try scan.walk(reader, checkEndMarker: plain)

        var facts = SnapshotReport.ArchiveFacts(
            path: displayPath, bytes: reader.rawBytesRead, compression: reader.filters, sha256: reader.sha256,
            expectedSHA256: options.expectedSHA256?.lowercased().trimmingCharacters(in: .whitespacesAndNewlines),
            checksumSource: options.expectedSHA256 == nil ? nil : (options.checksumSource ?? "flag"),
            checksumVerified: nil, endMarker: scan.endMarker, mode: options.deep ? "deep" : "headers")
        if let expected = facts.expectedSHA256 {
            let actual = reader.sha256 ?? ""
            facts.checksumVerified = actual == expected
            guard actual == expected else {
                throw ArchiveError(
                    .checksum,
                    "\(reader.label): SHA-256 is \(actual) but the \(facts.checksumSource ?? "given") checksum is \(expected); "
                        + "the archive is corrupt or is not the one the checksum belongs to")
            }
        }
        let parsedName = fileName.flatMap(SnapshotName.parse)
        let tarBytes = plain ? reader.rawBytesRead : scan.unpackedBytes
        let totals = SnapshotReport.Totals(
            entries: scan.entries, unpackedBytes: scan.unpackedBytes,
            restoreDiskBytes: tarBytes + scan.unpackedBytes + scan.nestedUnpackedBytes)

        if !scan.nestedCollections.isEmpty || isFullConfig(scan) {
            return try fullReport(scan, facts: facts, name: parsedName, totals: totals)
        }
        if scan.rootFiles["config.json"] != nil || !scan.shards.isEmpty {
            var collection = try scan.collectionReport(bytes: reader.rawBytesRead)
            collection.name = parsedName?.collection
            return SnapshotReport(
                archive: facts, kind: .collection, segmentFormat: scan.segmentFormat,
                name: parsedName.map(SnapshotReport.NameFacts.init), collections: [collection], shard: nil,
                aliases: nil, totals: totals)
        }
        if scan.rootIsShard {
            var shard = try scan.shardReport()
            shard.id = parsedName?.shardId
            return SnapshotReport(
                archive: facts, kind: .shard, segmentFormat: scan.segmentFormat,
                name: parsedName.map(SnapshotReport.NameFacts.init), collections: [], shard: shard, aliases: nil,
                totals: totals)
        }
        throw ArchiveError(
            .notQdrant,
            "\(reader.label) is a tar archive but not a Qdrant snapshot: it has no config.json, shard directories or shard files"
        )
    }

    private static func isFullConfig(_ scan: LevelScan) -> Bool {
        guard let bytes = scan.rootFiles["config.json"], let json = try? JSONValue.parse(bytes) else { return false }
        return json["collections_mapping"] != nil
    }

    private static func fullReport(
        _ scan: LevelScan, facts: SnapshotReport.ArchiveFacts, name: SnapshotName?,
        totals: SnapshotReport.Totals
    ) throws -> SnapshotReport {
        guard let bytes = scan.rootFiles["config.json"] else {
            throw ArchiveError(
                .notQdrant,
                "\(facts.path): nested snapshots but no config.json: not a Qdrant full snapshot")
        }
        let config = try scan.parseJSON(bytes, "config.json")
        let mapping = (config["collections_mapping"]?.objectValue ?? [:]).compactMapValues(\.stringValue)
        let aliases = (config["collections_aliases"]?.objectValue ?? [:]).compactMapValues(\.stringValue)
        var collections = scan.nestedCollections
        for i in collections.indices {
            if let file = collections[i].snapshotFile, let mapped = mapping.first(where: { $0.value == file })?.key {
                collections[i].name = mapped
            }
        }
        let present = Set(collections.compactMap(\.snapshotFile))
        if let missing = mapping.first(where: { !present.contains($0.value) }) {
            throw ArchiveError(
                .incomplete,
                "\(facts.path): config.json maps collection \(missing.key) to \(missing.value), which is not in the archive"
            )
        }
        collections.sort { ($0.name ?? "") < ($1.name ?? "") }
        return SnapshotReport(
            archive: facts, kind: .full, segmentFormat: scan.segmentFormat,
            name: name.map(SnapshotReport.NameFacts.init), collections: collections, shard: nil, aliases: aliases,
            totals: totals)
    }

    private static func readSidecar(_ path: String) throws -> String? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path), data.count < 1024 else {
            throw ArchiveError(.inspectSidecar, "cannot read the checksum sidecar \(path)")
        }
        let text = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let hex = String(text.prefix { !$0.isWhitespace })
        guard Hex.isSHA256(hex) else {
            throw ArchiveError(
                .inspectSidecar, "the checksum sidecar \(path) does not hold a SHA-256 (64 hex digits)")
        }
        return hex.lowercased()
    }
}
