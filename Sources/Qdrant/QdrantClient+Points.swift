import QSnapCore

/// Point streaming for migrations: filtered scroll and count, batched upsert, and the collection changes a bulk load
/// makes (collection parameters, named vectors).
extension QdrantClient {
    /// `POST /collections/{c}/points/scroll` with an optional Qdrant filter: one page of points (verbatim, with payload
    /// and vectors unless asked otherwise) and the offset of the next page (`nil` at the end).
    public func scroll(
        _ name: String, filter: JSONValue?, limit: Int, offset: JSONValue?, withVectors: Bool = true,
        withPayload: Bool = true
    ) async throws -> (points: [JSONValue], next: JSONValue?) {
        var body: [String: JSONValue] = [
            "limit": .integer(Int64(limit)), "with_vector": .bool(withVectors), "with_payload": .bool(withPayload),
        ]
        if let filter { body["filter"] = filter }
        if let offset, offset != .null { body["offset"] = offset }
        struct Page: Decodable {
            var points: [JSONValue]
            var next_page_offset: JSONValue?
        }
        let page = try await result(
            Page.self,
            Call(
                method: "POST", segments: ["collections", name, "points", "scroll"], json: .object(body),
                idempotent: true))
        return (page.points, page.next_page_offset.flatMap { $0 == .null ? nil : $0 })
    }

    /// `POST /collections/{c}/points/count` with `exact: true` and an optional filter.
    public func countPoints(_ name: String, filter: JSONValue?) async throws -> Int {
        struct Count: Decodable { var count: Int }
        var body: [String: JSONValue] = ["exact": .bool(true)]
        if let filter { body["filter"] = filter }
        return try await result(
            Count.self,
            Call(
                method: "POST", segments: ["collections", name, "points", "count"], json: .object(body),
                idempotent: true)
        ).count
    }

    /// `PUT /collections/{c}/points?wait=true` with a list of points (`id`, `vector`, `payload`). Repeating it is
    /// harmless (an upsert of the same ids), so it is retried like a read.
    public func upsert(_ name: String, points: [JSONValue]) async throws {
        _ = try await outcome(
            JSONValue.self,
            Call(
                method: "PUT", segments: ["collections", name, "points"], query: [("wait", "true")],
                json: .object(["points": .array(points)]), deadline: .serverWork, idempotent: true))
    }

    /// `PATCH /collections/{c}` with an `UpdateCollection` body (e.g. `{"hnsw_config": {"m": 16}}`).
    public func updateCollection(_ name: String, body: JSONValue) async throws {
        _ = try await outcome(
            JSONValue.self,
            Call(method: "PATCH", segments: ["collections", name], json: body, deadline: .serverWork, idempotent: true))
    }

    /// `PUT /collections/{c}/vectors/{vector}?wait=true` (Qdrant ≥ 1.18): adds a named vector to an existing
    /// collection; `config` is `{"dense": {size, distance, …}}` or `{"sparse": {…}}`.
    public func addVector(_ name: String, vector: String, config: JSONValue) async throws {
        _ = try await outcome(
            JSONValue.self,
            Call(
                method: "PUT", segments: ["collections", name, "vectors", vector], query: [("wait", "true")],
                json: config, deadline: .serverWork, idempotent: true))
    }
}
