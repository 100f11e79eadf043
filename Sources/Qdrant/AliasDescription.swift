/// One alias and the collection it points to.
public struct AliasDescription: Sendable, Hashable, Codable {
    /// The alias.
    public var aliasName: String
    /// The collection the alias resolves to.
    public var collectionName: String

    /// Creates a value.
    public init(aliasName: String, collectionName: String) {
        self.aliasName = aliasName
        self.collectionName = collectionName
    }

    enum CodingKeys: String, CodingKey {
        case aliasName = "alias_name"
        case collectionName = "collection_name"
    }
}
