/// How qsnap names the collections it restores, and how it recognises them later.
///
/// A restore never writes into an existing collection: it recovers into `<base>-qsnap-<backup id>` (the staging
/// collection), verifies it, then points the alias `<base>` at it. The name is the marker: a collection whose name
/// ends in `-qsnap-<valid backup id>` was made by qsnap. Such a collection that no alias points at is a leftover of
/// an interrupted or failed restore, and the next restore of the same base removes it. The collection an alias
/// pointed at before a switch keeps the alias `<alias>-qsnap-previous` for rollback.
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

    /// Collections of `base` left behind by interrupted or failed restores: restored-name collections that no
    /// alias points at. `aliases` maps alias name → collection name.
    public static func staleStaging(base: String, collections: [String], aliases: [String: String]) -> [String] {
        let referenced = Set(aliases.values)
        return collections.filter { parse($0)?.base == base && !referenced.contains($0) }.sorted()
    }
}
