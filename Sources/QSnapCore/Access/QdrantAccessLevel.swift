/// What a Qdrant credential may do, in Qdrant's RBAC terms: global manage (an `api_key`, or a JWT with `access: "m"`
/// or no `access` claim), global read (a `read_only_api_key`, or `access: "r"`), or per-collection access
/// (`r`, `rw` or `prw`; a JWT with an access list).
public enum QdrantAccessLevel: Sendable, Equatable, CustomStringConvertible {
    case manage
    case globalRead
    /// Collection name → `r`, `rw` or `prw`.
    case collections([String: String])

    /// Global manage access: what recovery, uploads, collection create/delete and alias changes need.
    public var canManage: Bool { self == .manage }

    /// May create and delete snapshots of `collection` (collection `rw`, or manage).
    public func canWrite(_ collection: String) -> Bool {
        switch self {
        case .manage: return true
        case .globalRead: return false
        case .collections(let rules): return rules[collection] == "rw"
        }
    }

    /// May list and download snapshots of `collection` and read its points.
    public func canRead(_ collection: String) -> Bool {
        switch self {
        case .manage, .globalRead: return true
        case .collections(let rules): return rules[collection] == "r" || rules[collection] == "rw"
        }
    }

    public var description: String {
        switch self {
        case .manage: return "manage (read-write)"
        case .globalRead: return "read-only"
        case .collections(let rules):
            return "collections " + rules.keys.sorted().map { "\($0):\(rules[$0]!)" }.joined(separator: ", ")
        }
    }
}
