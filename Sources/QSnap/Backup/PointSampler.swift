import Foundation
import QSnapCore
import Qdrant

/// Picks the points a backup records for restores to compare, spread over the whole collection rather than the
/// first ones in scroll order: Qdrant's random sampling query (`{"sample": "random"}`, Qdrant ≥ 1.11), or on older
/// sources a reservoir sample over a scroll of the ids alone.
struct PointSampler {
    /// The first Qdrant version with the random sampling query.
    static let randomQuerySince = QdrantVersion(major: 1, minor: 11, patch: 0)

    let client: QdrantClient
    /// The source's (lowest) version.
    let version: QdrantVersion

    /// Up to `count` distinct points of `collection` (fewer when it holds fewer), each with payload and vectors.
    func sample(_ collection: String, count: Int) async throws -> [JSONValue] {
        guard count > 0 else { return [] }
        if version >= Self.randomQuerySince {
            let body: JSONValue = .object([
                "query": .object(["sample": .string("random")]), "limit": .integer(Int64(count)),
                "with_payload": .bool(true), "with_vector": .bool(true),
            ])
            let points = try await client.query(collection, body: body)["points"]?.arrayValue ?? []
            var seen: Set<JSONValue> = []
            return points.filter { $0["id"].map { seen.insert($0).inserted } ?? false }
        }
        var reservoir: [JSONValue] = []
        var seen = 0
        var offset: JSONValue?
        var rng = SystemRandomNumberGenerator()
        repeat {
            let page = try await client.scroll(
                collection, limit: 1000, offset: offset, withVectors: false, withPayload: false)
            for point in page.points {
                guard let id = point["id"] else { continue }
                seen += 1
                if reservoir.count < count {
                    reservoir.append(id)
                } else {
                    let j = Int.random(in: 0..<seen, using: &rng)
                    if j < count { reservoir[j] = id }
                }
            }
            offset = page.next
        } while offset != nil
        return await reservoir.isEmpty ? [] : try client.retrieve(collection, ids: reservoir, withVectors: true)
    }
}
