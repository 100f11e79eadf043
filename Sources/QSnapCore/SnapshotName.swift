import Foundation

/// A Qdrant snapshot file name, parsed from the right as Qdrant builds it:
///
/// | Kind | Format (UTC) |
/// |---|---|
/// | collection | `{collection}-{peer_id}-YYYY-MM-DD-HH-MM-SS.snapshot` |
/// | shard | `{collection}-shard-{shard_id}-YYYY-MM-DD-HH-MM-SS.snapshot` |
/// | full | `full-snapshot-YYYY-MM-DD-HH-MM-SS.snapshot` |
///
/// The collection name may itself contain `-`; only the trailing fields are fixed.
/// A collection literally ending in `-shard` with a small peer id is read as a shard snapshot: Qdrant peer ids are
/// large random numbers, shard ids small ones.
public struct SnapshotName: Hashable, Sendable, CustomStringConvertible {
    /// What a snapshot file holds.
    public enum Kind: String, Hashable, Sendable, Codable {
        /// One collection as seen by one peer.
        case collection
        /// One shard of a collection.
        case shard
        /// The whole storage of one peer (all collections and aliases).
        case full
    }

    /// The prefix of every full-storage snapshot name (`FULL_SNAPSHOT_FILE_NAME` in Qdrant).
    public static let fullSnapshotPrefix = "full-snapshot"
    /// The extension Qdrant gives every snapshot file.
    public static let fileExtension = ".snapshot"

    /// The file name that was parsed.
    public var fileName: String
    /// What the snapshot holds.
    public var kind: Kind
    /// The collection name for collection and shard snapshots; `nil` for full snapshots.
    public var collection: String?
    /// The id of the peer that made a collection snapshot; `nil` for other kinds.
    public var peerId: UInt64?
    /// The shard id of a shard snapshot; `nil` for other kinds.
    public var shardId: Int?
    /// The creation time encoded in the name (UTC, whole seconds).
    public var creationTime: Date

    /// The file name.
    public var description: String { fileName }

    /// Parses a Qdrant snapshot file name; `nil` when it does not follow Qdrant's naming (for example an uploaded
    /// file with a free-form name, or a name that is not a bare file name).
    public static func parse(_ fileName: String) -> SnapshotName? {
        guard isBareFileName(fileName), fileName.hasSuffix(fileExtension) else { return nil }
        let stem = fileName.dropLast(fileExtension.count)
        var fields = stem.split(separator: "-", omittingEmptySubsequences: false)
        guard fields.count >= 8 else { return nil }
        let dateFields = fields.suffix(6)
        fields.removeLast(6)
        guard let created = utcDate(Array(dateFields)) else { return nil }

        // Full: exactly "full-snapshot" before the date.
        if fields.count == 2, fields[0] == "full", fields[1] == "snapshot" {
            return SnapshotName(
                fileName: fileName, kind: .full, collection: nil, peerId: nil, shardId: nil,
                creationTime: created)
        }
        guard let last = fields.last, isDecimal(last) else { return nil }
        fields.removeLast()
        // Shard: "{collection}-shard-{id}".
        if fields.count >= 2, fields.last == "shard", let shard = Int(last), shard <= Int(UInt32.max) {
            fields.removeLast()
            let collection = fields.joined(separator: "-")
            guard !collection.isEmpty else { return nil }
            return SnapshotName(
                fileName: fileName, kind: .shard, collection: collection, peerId: nil, shardId: shard,
                creationTime: created)
        }
        // Collection: "{collection}-{peer_id}".
        guard let peer = UInt64(last) else { return nil }
        let collection = fields.joined(separator: "-")
        guard !collection.isEmpty else { return nil }
        return SnapshotName(
            fileName: fileName, kind: .collection, collection: collection, peerId: peer, shardId: nil,
            creationTime: created)
    }

    /// True when `name` is a bare file name Qdrant accepts as a snapshot name: not empty, not `.` or `..`, and with no
    /// `/`, `\` or NUL — also after percent-decoding, so that no proxy that decodes paths twice can turn it into a
    /// path (Qdrant's `validate_snapshot_name`, fixed in 1.19.0 for S3 storage).
    /// Whether the listed snapshot `fileName` can be one `peer` made. A node that stores its snapshots on S3 lists
    /// every object under the collection's prefix, the other nodes' collection snapshots included; those carry
    /// another peer id. Names of other kinds, or that do not parse, are not excluded.
    public static func canBelong(_ fileName: String, toPeer peer: UInt64) -> Bool {
        guard peer != 0, let parsed = parse(fileName), parsed.kind == .collection, let owner = parsed.peerId else {
            return true
        }
        return owner == peer
    }

    public static func isBareFileName(_ name: String) -> Bool {
        func bare(_ s: String) -> Bool {
            !s.isEmpty && s != "." && s != ".." && !s.contains("/") && !s.contains("\\") && !s.contains("\0")
        }
        guard bare(name) else { return false }
        if name.contains("%") {
            guard let decoded = name.removingPercentEncoding else { return true }
            return bare(decoded)
        }
        return true
    }

    /// Throws `refused("qdrant.snapshot-name")` unless `name` is a bare file name (see ``isBareFileName(_:)``).
    public static func validate(_ name: String) throws {
        guard isBareFileName(name) else {
            let shown = name.isEmpty ? "an empty name" : "\"\(name.prefix(200))\""
            throw QSnapError(
                .qdrantSnapshotName,
                "Refusing snapshot name \(shown): a snapshot name must be a bare file name (no '/' or '\\', "
                    + "not '.', '..' or empty). Use a name exactly as listed by the server.")
        }
    }

    /// Formats a time as Qdrant does in snapshot names: `YYYY-MM-DD-HH-MM-SS` in UTC.
    public static func timestamp(_ date: Date) -> String {
        var seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        let secOfDay = Int(((seconds % 86_400) + 86_400) % 86_400)
        seconds = (seconds - Int64(secOfDay)) / 86_400
        let (y, m, d) = UTCCivilTime.civil(fromDays: Int(seconds))
        func two(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
        return "\(y)-\(two(m))-\(two(d))-\(two(secOfDay / 3600))-\(two(secOfDay / 60 % 60))-\(two(secOfDay % 60))"
    }

    // MARK: - Date arithmetic: UTCCivilTime (proleptic Gregorian, UTC; no Calendar, so no locale dependence)

    private static func isDecimal(_ s: Substring) -> Bool {
        !s.isEmpty && s.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }

    private static func utcDate(_ f: [Substring]) -> Date? {
        let widths = [4, 2, 2, 2, 2, 2]
        var v: [Int] = []
        for (field, width) in zip(f, widths) {
            guard field.utf8.count == width, isDecimal(field), let n = Int(field) else { return nil }
            v.append(n)
        }
        let (year, month, day, hour, minute, second) = (v[0], v[1], v[2], v[3], v[4], v[5])
        guard (1...12).contains(month), day >= 1, day <= UTCCivilTime.daysInMonth(year: year, month: month),
            hour < 24, minute < 60, second < 60
        else { return nil }
        let days = Int64(UTCCivilTime.days(year: year, month: month, day: day))
        return Date(timeIntervalSince1970: Double(days * 86_400 + Int64(hour * 3600 + minute * 60 + second)))
    }
}
