import Logging
import QSnapCore
import Qdrant

/// Points an alias at another collection in one `POST /collections/aliases` (delete + create), so readers never see
/// it missing (`qsnap alias switch`, e.g. after an embedding-model migration).
///
/// Before changing anything it checks that the credential has manage access, that the target is an existing
/// collection (not an alias) that is green, and that the alias name is not taken by a collection.
public struct AliasSwitch: Sendable {
    /// What a switch did.
    public struct Outcome: Codable, Sendable, Hashable {
        /// The alias.
        public var alias: String
        /// The collection it pointed at before, `nil` when it is new.
        public var from: String?
        /// The collection it points at now.
        public var to: String

        /// Creates an outcome.
        public init(alias: String, from: String?, to: String) {
            self.alias = alias
            self.from = from
            self.to = to
        }
    }

    /// The node the switch is sent to.
    public let client: QdrantClient
    /// Where the access check reports.
    public let logger: Logger

    /// A switch on `client`'s deployment.
    public init(client: QdrantClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Points `alias` at `collection`.
    ///
    /// - Throws: `QSnapError` `.aliasTarget` when `collection` does not exist, `.aliasCollision`
    ///   when `alias` is a collection's name, `.aliasNotGreen` when `collection` is not green, the
    ///   access check's refusal, or the server's failure.
    public func run(alias: String, to collection: String) async throws -> Outcome {
        try await QdrantAccessCheck(role: "target", client: client, logger: logger).require(
            .manage(operation: "alias switch"))
        let collections = try await client.listCollections()
        guard collections.contains(collection) else {
            throw QSnapError(
                .aliasTarget,
                "collection \(collection) does not exist (an alias is not accepted as target); it has: "
                    + collections.joined(separator: ", "))
        }
        if collections.contains(alias) {
            throw QSnapError(
                .aliasCollision,
                "\(alias) is a collection, not an alias; Qdrant cannot create an alias with a collection's name")
        }
        let info = try await client.collectionInfo(collection)
        guard info.status == "green" else {
            throw QSnapError(
                .aliasNotGreen,
                "collection \(collection) is \(info.status), not green; wait for its optimisation to finish, then switch"
            )
        }
        let from = try await client.listAliases().first { $0.aliasName == alias }?.collectionName
        try await client.updateAliases([.delete(alias: alias), .create(collection: collection, alias: alias)])
        return Outcome(alias: alias, from: from, to: collection)
    }
}
