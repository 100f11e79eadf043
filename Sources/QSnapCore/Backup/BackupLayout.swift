import Foundation

/// Where a backup's files live in a repository (documented in the README, "Repository layout").
///
/// ```
/// <prefix>/qsnap-repository.json                        repository marker (format version)
/// <prefix>/backups/<id>/manifest.json                     written last: the backup exists once this exists
/// <prefix>/backups/<id>/progress.json                     resume journal of a running or interrupted backup
/// <prefix>/backups/<id>/objects/<collection>/peer-<peer>/<snapshot file>   collection snapshots
/// <prefix>/backups/<id>/objects/<collection>/shard-<id>/<snapshot file>     shard snapshots
/// <prefix>/backups/<id>/objects/full/peer-<peer>/<snapshot file>           full-storage snapshots
/// ```
public enum BackupLayout {
    /// The repository marker object.
    public static let marker = "qsnap-repository.json"
    /// The folder holding every backup.
    public static let backupsFolder = "backups/"

    /// `backups/<id>/`.
    public static func folder(_ id: String) -> String { "backups/\(id)/" }
    /// `backups/<id>/manifest.json`.
    public static func manifest(_ id: String) -> String { folder(id) + "manifest.json" }
    /// `backups/<id>/progress.json`.
    public static func progress(_ id: String) -> String { folder(id) + "progress.json" }
    /// `backups/<id>/objects/`.
    public static func objectsFolder(_ id: String) -> String { folder(id) + "objects/" }

    /// The key of one snapshot object.
    public static func objectKey(backup id: String, unit: BackupUnit, snapshotName: String) -> String {
        objectsFolder(id) + unit.pathComponent + "/" + snapshotName
    }

    /// The backup id in a key below `backups/`, if any.
    public static func backupID(inKey key: String) -> String? {
        guard key.hasPrefix(backupsFolder) else { return nil }
        let rest = key.dropFirst(backupsFolder.count)
        guard let slash = rest.firstIndex(of: "/") else { return nil }
        let id = String(rest[..<slash])
        return isValidID(id) ? id : nil
    }

    /// Makes a new backup id from the start time and random bytes: `YYYYMMDDTHHMMSSZ-xxxxxx`. The six hex digits
    /// are the millisecond of the start time (the top 10 of their 24 bits) and 14 bits of `random`, so the ids of
    /// backups started in the same second also sort by start time (`latest`, `list` and retention go by id).
    public static func newID(at date: Date, random: [UInt8]) -> String {
        var stamp = SnapshotName.timestamp(date)  // YYYY-MM-DD-HH-MM-SS
        stamp = stamp.replacingOccurrences(of: "-", with: "")
        let date8 = stamp.prefix(8), time6 = stamp.dropFirst(8)
        let seconds = date.timeIntervalSince1970
        let millisecond = min(999, max(0, Int(((seconds - seconds.rounded(.down)) * 1000).rounded())))
        let noise = random.prefix(3).reduce(0) { $0 << 8 | Int($1) } & 0x3fff
        let suffix = millisecond << 14 | noise
        let bytes = [UInt8(suffix >> 16), UInt8(suffix >> 8 & 0xff), UInt8(suffix & 0xff)]
        return "\(date8)T\(time6)Z-\(Hex.encode(bytes))"
    }

    /// True for ids this layout produces (also the only ids accepted from users: no path characters).
    public static func isValidID(_ id: String) -> Bool {
        let parts = id.split(separator: "-")
        guard parts.count == 2, parts[0].count == 16, parts[0].dropFirst(8).first == "T", parts[0].last == "Z",
            parts[1].count == 6, parts[1].allSatisfy(\.isHexDigit)
        else { return false }
        return parts[0].allSatisfy { $0.isNumber || $0 == "T" || $0 == "Z" }
    }

    /// The start time encoded in an id.
    public static func date(ofID id: String) -> Date? {
        guard isValidID(id) else { return nil }
        let s = Array(id.prefix(15))
        let digits = String(s[0..<8]) + String(s[9..<15])
        let name =
            "x-1-\(digits.prefix(4))-\(digits.dropFirst(4).prefix(2))-\(digits.dropFirst(6).prefix(2))-"
            + "\(digits.dropFirst(8).prefix(2))-\(digits.dropFirst(10).prefix(2))-\(digits.dropFirst(12).prefix(2)).snapshot"
        return SnapshotName.parse(name)?.creationTime
    }
}

/// One unit of a backup plan: what one object is a snapshot of.
public enum BackupUnit: Hashable, Sendable, Codable, CustomStringConvertible {
    /// A collection snapshot taken on one peer.
    case collection(name: String, peer: UInt64)
    /// A shard snapshot.
    case shard(collection: String, shard: Int)
    /// A full-storage snapshot of one peer (0 for a standalone node).
    case full(peer: UInt64)

    /// The folder of the unit's object below `objects/`.
    public var pathComponent: String {
        switch self {
        case .collection(let name, let peer): return "\(name)/peer-\(peer)"
        case .shard(let collection, let shard): return "\(collection)/shard-\(shard)"
        case .full(let peer): return "full/peer-\(peer)"
        }
    }

    public var description: String {
        switch self {
        case .collection(let name, let peer): return "collection \(name) on peer \(peer)"
        case .shard(let collection, let shard): return "shard \(shard) of \(collection)"
        case .full(let peer): return "full storage of peer \(peer)"
        }
    }
}
