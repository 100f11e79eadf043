import QSnapCore

/// One action of `POST /collections/aliases`. Qdrant applies a list of actions in order, under one lock, without
/// rollback: a failing action leaves the earlier ones applied.
public enum AliasAction: Sendable, Hashable {
    /// Points `alias` at `collection` (re-points an existing alias).
    case create(collection: String, alias: String)
    /// Removes `alias` (no error when it does not exist).
    case delete(alias: String)
    /// Renames alias `old` to `new` (overwrites an existing `new`).
    case rename(old: String, new: String)

    /// The JSON form Qdrant expects.
    public var json: JSONValue {
        switch self {
        case .create(let collection, let alias):
            return .object([
                "create_alias": .object([
                    "collection_name": .string(collection), "alias_name": .string(alias),
                ])
            ])
        case .delete(let alias):
            return .object(["delete_alias": .object(["alias_name": .string(alias)])])
        case .rename(let old, let new):
            return .object([
                "rename_alias": .object([
                    "old_alias_name": .string(old), "new_alias_name": .string(new),
                ])
            ])
        }
    }
}
