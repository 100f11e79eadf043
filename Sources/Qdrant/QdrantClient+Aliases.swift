import QSnapCore

extension QdrantClient {
    private struct Aliases: Decodable { var aliases: [AliasDescription] }

    /// `GET /aliases`: every alias, sorted by alias name.
    public func listAliases() async throws -> [AliasDescription] {
        try await result(Aliases.self, Call(method: "GET", segments: ["aliases"], idempotent: true))
            .aliases.sorted { $0.aliasName < $1.aliasName }
    }

    /// `GET /collections/{c}/aliases`: the aliases pointing at one collection, sorted by alias name.
    public func collectionAliases(_ name: String) async throws -> [AliasDescription] {
        try await result(
            Aliases.self, Call(method: "GET", segments: ["collections", name, "aliases"], idempotent: true)
        )
        .aliases.sorted { $0.aliasName < $1.aliasName }
    }

    /// `POST /collections/aliases`: applies `actions` in order in one request (no rollback: when an action fails,
    /// the earlier ones stay applied). An empty list sends nothing.
    public func updateAliases(_ actions: [AliasAction]) async throws {
        guard !actions.isEmpty else { return }
        _ = try await outcome(
            JSONValue.self,
            Call(
                method: "POST", segments: ["collections", "aliases"],
                json: .object(["actions": .array(actions.map(\.json))]), idempotent: false))
    }
}
