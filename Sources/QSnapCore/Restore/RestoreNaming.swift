/// How qsnap names the collections it restores, and how it recognises them later.
///
/// A restore never writes into an existing collection: it recovers into `<base>-qsnap-<backup id>` (the staging
/// collection), verifies it, then points the alias `<base>` at it. On Qdrant ≥ 1.16 the staging collection also
/// carries collection metadata `{"qsnap_restore": {"base": …, "backup": …}}` (``stagingMetadata(base:backupID:)``),
/// and only a collection that carries it is ever taken for qsnap's: a collection that merely looks like one by name
/// is never deleted. On older targets, which have no collection metadata, the name is the marker. A marked
/// collection that no alias points at is a leftover of an interrupted or failed restore, and the next restore of the
/// same base removes it. The collection an alias pointed at before a switch keeps the alias
/// `<alias>-qsnap-previous` for rollback.
public enum RestoreNaming {
    /// The separator between the base name and the backup id.
    public static let marker = "-qsnap-"
    /// The suffix of the rollback alias.
    public static let previousSuffix = "-qsnap-previous"

    /// The staging (and final) name of `base` restored from backup `backupID`.
    public static func stagingName(base: String, backupID: String) -> String { base + marker + backupID }

    /// The base name and backup id of a qsnap-restored collection name, or `nil` for any other name.
    public static func parse(_ name: String) -> (base: String, backupID: String)? {
        guard let range = name.range(of: marker, options: .backwards) else { return nil }
        let base = String(name[..<range.lowerBound])
        let id = String(name[range.upperBound...])
        guard !base.isEmpty, BackupLayout.isValidID(id) else { return nil }
        return (base, id)
    }

    /// True when `name` follows the naming convention of restored collections.
    public static func isRestored(_ name: String) -> Bool { parse(name) != nil }

    /// The rollback alias of `alias`.
    public static func previousAlias(_ alias: String) -> String { alias + previousSuffix }

    /// The first Qdrant version with collection metadata.
    public static let metadataSince = QdrantVersion(major: 1, minor: 16, patch: 0)

    /// The metadata key that marks a staging collection.
    public static let metadataKey = "qsnap_restore"

    /// The collection metadata that marks `base` restored from `backupID` as qsnap's staging collection.
    public static func stagingMetadata(base: String, backupID: String) -> JSONValue {
        .object([metadataKey: .object(["base": .string(base), "backup": .string(backupID)])])
    }

    /// True when the collection `name`, whose `config.metadata` is `metadata`, was made by a qsnap restore: on a
    /// target with collection metadata (`hasMetadata`), its metadata carries the marker matching its name; on an
    /// older target, its name follows the convention.
    public static func isMarkedStaging(_ name: String, metadata: JSONValue?, hasMetadata: Bool) -> Bool {
        guard let (base, id) = parse(name) else { return false }
        guard hasMetadata else { return true }
        guard let mark = metadata?[metadataKey] else { return false }
        return mark["base"]?.stringValue == base && mark["backup"]?.stringValue == id
    }

    /// Collections of `base` that may be leftovers of interrupted or failed restores, by name: restored-name
    /// collections that no alias points at (check ``isMarkedStaging(_:metadata:hasMetadata:)`` before removing one).
    /// `aliases` maps alias name → collection name.
    public static func staleStaging(base: String, collections: [String], aliases: [String: String]) -> [String] {
        let referenced = Set(aliases.values)
        return collections.filter { parse($0)?.base == base && !referenced.contains($0) }.sorted()
    }
}
