import Foundation
import Logging
import QSnapCore
import Qdrant

/// Checks a migrated collection before any alias points at it: the exact count equals the source's (filtered)
/// count, points drawn at random from the target equal the source's by value (payload exactly; vectors after the
/// plan's renames, to within float rounding, since Qdrant stores `f32` and may normalise), and a nearest query
/// answers for every kind of vector the points carry.
struct MigrationVerifier {
    let source: QdrantClient
    let target: QdrantClient
    let plan: MigrationPlan
    let logger: Logger

    /// - Throws: `verificationFailed` (exit 4) naming the first check that failed.
    func verify(expected: Int, samples: Int) async throws -> [VerificationCheck] {
        let name = plan.options.target
        var checks: [VerificationCheck] = []
        let count = try await target.countPoints(name, filter: nil)
        guard count == expected else {
            throw QSnapError(
                .migrateCount,
                "\(name) holds \(count) points, the source \(expected); the target is kept, unaliased, for "
                    + "inspection (rerun with --no-resume to start over)")
        }
        checks.append(VerificationCheck(name: "count", outcome: .passed, detail: "\(count) points, as in the source"))
        guard samples > 0, count > 0 else {
            checks.append(
                VerificationCheck(
                    name: "samples", outcome: .notChecked, detail: count == 0 ? "no point" : "--verify-samples 0"))
            checks.append(VerificationCheck(name: "query", outcome: .notChecked, detail: "no sampled point"))
            return checks
        }
        let drawn =
            try await target.query(
                name,
                body: .object([
                    "query": .object(["sample": .string("random")]), "limit": .integer(Int64(samples)),
                    "with_payload": .bool(true), "with_vector": .bool(true),
                ]))["points"]?.arrayValue ?? []
        let ids = drawn.compactMap { $0["id"] }
        var originals: [JSONValue: JSONValue] = [:]
        for p in try await source.retrieve(plan.options.collection, ids: ids, withVectors: true) {
            if let id = p["id"] { originals[id] = plan.rewrite(p) }
        }
        var bad: [String] = []
        for point in drawn {
            guard let id = point["id"] else { continue }
            guard let original = originals[id] else { bad.append("point \(id) is not in the source"); continue }
            if (point["payload"] ?? .object([:])) != (original["payload"] ?? .object([:])) {
                bad.append("point \(id) has a different payload")
            }
            if !Self.vectorsMatch(original["vector"] ?? .null, point["vector"] ?? .null) {
                bad.append("point \(id) has different vectors")
            }
        }
        guard bad.isEmpty else {
            throw QSnapError(
                .migrateSamples,
                "\(name) differs from the source: " + bad.prefix(5).joined(separator: "; "))
        }
        checks.append(
            VerificationCheck(
                name: "samples", outcome: .passed,
                detail: "\(drawn.count) point(s) drawn at random equal to the source's by value"))
        var queries: [(label: String, body: JSONValue)] = []
        var seen: Set<String> = []
        for point in drawn {
            for q in QueryProbe.queries(for: point["vector"] ?? .null) where seen.insert(q.label).inserted {
                queries.append(q)
            }
        }
        guard !queries.isEmpty else {
            checks.append(VerificationCheck(name: "query", outcome: .notChecked, detail: "the points carry no vector"))
            return checks
        }
        for q in queries {
            let hits = await (try? target.query(name, body: q.body))?["points"]?.arrayValue ?? []
            guard !hits.isEmpty else {
                throw QSnapError(
                    .migrateQuery, "a nearest query (\(q.label)) on \(name) returned no points")
            }
        }
        checks.append(
            VerificationCheck(
                name: "query", outcome: .passed,
                detail: "nearest-vector queries answered: " + queries.map(\.label).joined(separator: ", ")))
        return checks
    }

    /// True when every vector the source point has is on the target point, equal to within `f32` rounding (the target
    /// may hold more: an added vector to backfill).
    static func vectorsMatch(_ expected: JSONValue, _ actual: JSONValue) -> Bool {
        if let named = expected.objectValue, named["indices"] == nil {
            guard let got = actual.objectValue else { return named.isEmpty }
            return named.allSatisfy { name, value in got[name].map { close(value, $0) } ?? false }
        }
        return close(expected, actual)
    }

    private static func close(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.array(let x), .array(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { close($0, $1) }
        case (.object(let x), .object(let y)):
            return x.keys.sorted() == y.keys.sorted() && x.allSatisfy { k, v in close(v, y[k]!) }
        default:
            if let x = a.doubleValue, let y = b.doubleValue { return abs(x - y) <= 1e-5 * max(1, abs(x), abs(y)) }
            return a == b
        }
    }
}
