import Foundation
import Logging
import QSnapCore
import Qdrant

/// Checks a restored staging collection before any alias points at it: exact point count equals the manifest's,
/// every shard replica Active on every node, the payload index schema equals the manifest's, the manifest's sampled
/// points come back with the same payload and vector digests, and a nearest-vector query answers for every kind of
/// vector the points carry (dense, named, sparse, multi). A check that cannot run is reported `not checked`.
struct RestoreVerifier {
    let nodes: [RestoreTarget.Node]
    let logger: Logger
    /// How long to wait for replicas to become Active and transfers to finish.
    var settleTimeout: Double = 120

    /// Verifies; returns every check made, in order.
    /// - Throws: `verificationFailed` naming the first check that failed.
    func verify(collection: String, expected: BackupManifest.Collection) async throws -> [VerificationCheck] {
        let client = nodes[0].client
        var checks: [VerificationCheck] = []
        let count = try await client.countPoints(collection, exact: true)
        guard count == expected.pointsCount else {
            throw QSnapError(
                .restoreCount,
                "the restored \(collection) has \(count) points but the backup recorded \(expected.pointsCount); "
                    + "the staging collection was removed")
        }
        checks.append(VerificationCheck(name: "count", outcome: .passed, detail: "\(count) points, as in the backup"))
        await checks.append(try waitActive(collection: collection, shardNumber: expected.shardNumber))
        await checks.append(try checkPayloadIndexes(collection: collection, expected: expected.payloadSchema))
        let (samples, points) = try await checkSamples(collection: collection, samples: expected.samples)
        checks.append(samples)
        await checks.append(try checkQuery(collection: collection, points: points))
        logger.notice("verified \(collection): \(checks.map(\.line).joined(separator: "; "))")
        return checks
    }

    private func waitActive(collection: String, shardNumber: Int?) async throws -> VerificationCheck {
        let deadline = Date().addingTimeInterval(settleTimeout)
        while true {
            try ProcessStop.check()
            var problems: [String] = []
            var replicas = 0
            for node in nodes {
                let view = try await node.client.collectionCluster(collection)
                replicas += view.localShards.count
                if let shardNumber, view.shardCount != shardNumber {
                    problems.append("\(node.url) reports \(view.shardCount) shards, expected \(shardNumber)")
                }
                if !view.allActive {
                    let states =
                        view.localShards.map { "\($0.shardId):\($0.state)" }
                        + view.remoteShards.map { "\($0.shardId)@\($0.peerId):\($0.state)" }
                    problems.append(
                        "\(node.url): not all replicas Active (\(states.joined(separator: ", ")), "
                            + "\(view.shardTransfers) transfer(s))")
                }
            }
            if problems.isEmpty {
                return VerificationCheck(
                    name: "shards", outcome: .passed,
                    detail: "\(replicas) replica(s) Active on \(nodes.count) node(s), no transfer running")
            }
            guard Date() < deadline else {
                throw QSnapError(
                    .restoreShards,
                    "the restored \(collection) is not healthy: " + problems.joined(separator: "; "))
            }
            try await Task.sleep(for: .seconds(0.5))
        }
    }

    private func checkPayloadIndexes(collection: String, expected: JSONValue) async throws -> VerificationCheck {
        let recorded = PayloadIndexSchema(expected)
        guard !recorded.fields.isEmpty else {
            return VerificationCheck(
                name: "payload-indexes", outcome: .notChecked, detail: "the backup recorded no payload index")
        }
        let actual = await PayloadIndexSchema(try nodes[0].client.collectionInfo(collection).payloadSchema)
        let differences = recorded.differences(from: actual)
        guard differences.isEmpty else {
            throw QSnapError(
                .restorePayloadIndex,
                "the restored \(collection) differs from the backup: " + differences.joined(separator: "; "))
        }
        return VerificationCheck(
            name: "payload-indexes", outcome: .passed,
            detail: "\(recorded.fields.count) identical (\(recorded.fields.map(\.name).joined(separator: ", ")))")
    }

    /// Compares the sampled points; returns the check and the points as retrieved (with vectors).
    private func checkSamples(collection: String, samples: [BackupManifest.PointSample]) async throws
        -> (VerificationCheck, [JSONValue])
    {
        guard !samples.isEmpty else {
            return (
                VerificationCheck(
                    name: "samples", outcome: .notChecked, detail: "the backup recorded no sampled point"), []
            )
        }
        let points = try await nodes[0].client.retrieve(collection, ids: samples.map(\.id), withVectors: true)
        var byID: [JSONValue: BackupManifest.PointSample] = [:]
        for p in points { if let s = BackupManifest.PointSample(point: p) { byID[s.id] = s } }
        var bad: [String] = []
        for s in samples {
            guard let got = byID[s.id] else {
                bad.append("point \(s.id) is missing")
                continue
            }
            if got.payloadSHA256 != s.payloadSHA256 { bad.append("point \(s.id) has a different payload") }
            if got.vectorSHA256 != s.vectorSHA256 { bad.append("point \(s.id) has a different vector") }
        }
        guard bad.isEmpty else {
            throw QSnapError(
                .restoreSamples,
                "the restored \(collection) differs from the backup: " + bad.prefix(5).joined(separator: "; "))
        }
        return (
            VerificationCheck(
                name: "samples", outcome: .passed,
                detail: "\(samples.count) sampled point(s) identical in payload and vectors"), points
        )
    }

    /// One nearest query per vector the sampled points carry (the first point that has it), each of which must answer.
    private func checkQuery(collection: String, points: [JSONValue]) async throws -> VerificationCheck {
        var queries: [(label: String, body: JSONValue)] = []
        var seen: Set<String> = []
        for point in points {
            for q in QueryProbe.queries(for: point["vector"] ?? .null) where seen.insert(q.label).inserted {
                queries.append(q)
            }
        }
        guard !queries.isEmpty else {
            return VerificationCheck(
                name: "query", outcome: .notChecked,
                detail: points.isEmpty ? "no sampled point to query with" : "the sampled points carry no vector")
        }
        for q in queries {
            let answer: JSONValue
            do {
                answer = try await nodes[0].client.query(collection, body: q.body)
            } catch {
                throw QSnapError(
                    .restoreQuery,
                    "a nearest-vector query (\(q.label)) on the restored \(collection) failed: \(error)")
            }
            guard let hits = answer["points"]?.arrayValue, !hits.isEmpty else {
                throw QSnapError(
                    .restoreQuery,
                    "a nearest-vector query (\(q.label)) on the restored \(collection) returned no points")
            }
        }
        return VerificationCheck(
            name: "query", outcome: .passed,
            detail: "nearest-vector queries answered: " + queries.map(\.label).joined(separator: ", "))
    }
}
