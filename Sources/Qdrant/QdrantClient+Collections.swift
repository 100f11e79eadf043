import QSnapCore

extension QdrantClient {
    /// `GET /collections`: the collection names, sorted.
    public func listCollections() async throws -> [String] {
        struct Item: Decodable { var name: String }
        struct List: Decodable { var collections: [Item] }
        return try await result(List.self, Call(method: "GET", segments: ["collections"], idempotent: true))
            .collections.map(\.name).sorted()
    }

    /// `GET /collections/{c}/exists`.
    public func collectionExists(_ name: String) async throws -> Bool {
        struct Existence: Decodable { var exists: Bool }
        return try await result(
            Existence.self,
            Call(method: "GET", segments: ["collections", name, "exists"], idempotent: true)
        ).exists
    }

    /// `GET /collections/{c}`: status, approximate counts, configuration and payload schema.
    public func collectionInfo(_ name: String) async throws -> CollectionInfo {
        try await result(CollectionInfo.self, Call(method: "GET", segments: ["collections", name], idempotent: true))
    }

    /// `PUT /collections/{c}` with a `CreateCollection` body (`vectors`, `shard_number`, …); fails with
    /// `qdrant.conflict` when the name is taken.
    public func createCollection(_ name: String, config: JSONValue) async throws {
        _ = try await outcome(
            JSONValue.self,
            Call(method: "PUT", segments: ["collections", name], json: config, idempotent: false))
    }

    /// `DELETE /collections/{c}` (also removes the collection's aliases).
    public func deleteCollection(_ name: String) async throws {
        _ = try await outcome(
            JSONValue.self, Call(method: "DELETE", segments: ["collections", name], idempotent: false))
    }

    /// `POST /collections/{c}/points/count`; `exact: true` for verification (the collection info count is
    /// approximate).
    public func countPoints(_ name: String, exact: Bool = true) async throws -> Int {
        struct Count: Decodable { var count: Int }
        return try await result(
            Count.self,
            Call(
                method: "POST", segments: ["collections", name, "points", "count"],
                json: .object(["exact": .bool(exact)]), idempotent: true)
        ).count
    }

    /// `POST /collections/{c}/points/scroll`: one page of points (verbatim records) and the offset of the next page
    /// (`nil` at the end).
    public func scroll(_ name: String, limit: Int, offset: JSONValue?, withVectors: Bool, withPayload: Bool)
        async throws
        -> (points: [JSONValue], next: JSONValue?)
    {
        try await scroll(
            name, filter: nil, limit: limit, offset: offset, withVectors: withVectors, withPayload: withPayload)
    }

    /// `POST /collections/{c}/points`: the records with the given ids (payload included), verbatim.
    public func retrieve(_ name: String, ids: [JSONValue], withVectors: Bool) async throws -> [JSONValue] {
        try await result(
            [JSONValue].self,
            Call(
                method: "POST", segments: ["collections", name, "points"],
                json: .object(["ids": .array(ids), "with_vector": .bool(withVectors), "with_payload": .bool(true)]),
                idempotent: true))
    }

    /// `POST /collections/{c}/points/query` with a raw body; returns the raw `result`.
    public func query(_ name: String, body: JSONValue) async throws -> JSONValue {
        try await result(
            JSONValue.self,
            Call(method: "POST", segments: ["collections", name, "points", "query"], json: body, idempotent: true))
    }
}

extension QdrantClient {
    /// `PUT /collections/{c}/index?wait=true`: creates a payload index on `field` with `schema` (a type name such as
    /// `"keyword"`, or a parameters object such as `{"type": "text", "tokenizer": "word"}`).
    public func createPayloadIndex(_ name: String, field: String, schema: JSONValue) async throws {
        _ = try await outcome(
            JSONValue.self,
            Call(
                method: "PUT", segments: ["collections", name, "index"], query: [("wait", "true")],
                json: .object(["field_name": .string(field), "field_schema": schema]), idempotent: true))
    }
}

extension QdrantClient {
    /// `PATCH /collections/{c}` with `{"metadata": …}` (Qdrant ≥ 1.16): merges `metadata` into the collection's
    /// metadata.
    public func updateCollectionMetadata(_ name: String, metadata: JSONValue) async throws {
        _ = try await outcome(
            JSONValue.self,
            Call(
                method: "PATCH", segments: ["collections", name], json: .object(["metadata": metadata]),
                idempotent: true))
    }
}
