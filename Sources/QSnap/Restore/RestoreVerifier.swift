import Foundation
import Logging
import Qdrant
import QSnapCore

/// Checks a restored staging collection before any alias points at it: exact point count equals the manifest's,
/// every shard replica Active on every node, the manifest's sampled points come back with the same payload and
/// vector digests, and a nearest-vector query answers.
struct RestoreVerifier {
    let nodes: [RestoreTarget.Node]
    let logger: Logger
    /// How long to wait for replicas to become Active and transfers to finish.
    var settleTimeout: Double = 120

    /// Verifies; returns the number of sampled points checked.
    func verify(collection: String, expected: BackupManifest.Collection) throws -> Int {
        let client = nodes[0].client
        let count = try client.countPoints(collection, exact: true)
        guard count == expected.pointsCount else {
            throw QSnapError(
                .verificationFailed("restore.count"),
                "the restored \(collection) has \(count) points but the backup recorded \(expected.pointsCount); "
                    + "the staging collection was removed")
        }
        try waitActive(collection: collection, shardNumber: expected.shardNumber)
        let checked = try checkSamples(collection: collection, samples: expected.samples)
        try checkQuery(collection: collection, samples: expected.samples)
        logger.notice("verified \(collection): \(count) points, \(checked) sampled points identical, shards Active")
        return checked
    }

    private func waitActive(collection: String, shardNumber: Int?) throws {
        let deadline = Date().addingTimeInterval(settleTimeout)
        while true {
            var problems: [String] = []
            for node in nodes {
                let view = try node.client.collectionCluster(collection)
                if let shardNumber, view.shardCount != shardNumber {
                    problems.append("\(node.url) reports \(view.shardCount) shards, expected \(shardNumber)")
                }
                if !view.allActive {
                    let states = view.localShards.map { "\($0.shardId):\($0.state)" }
                        + view.remoteShards.map { "\($0.shardId)@\($0.peerId):\($0.state)" }
                    problems.append("\(node.url): not all replicas Active (\(states.joined(separator: ", ")), "
                                    + "\(view.shardTransfers) transfer(s))")
                }
            }
            if problems.isEmpty { return }
            guard Date() < deadline else {
                throw QSnapError(.verificationFailed("restore.shards"),
                                 "the restored \(collection) is not healthy: " + problems.joined(separator: "; "))
            }
            Thread.sleep(forTimeInterval: 0.5)
        }
    }

    private func checkSamples(collection: String, samples: [BackupManifest.PointSample]) throws -> Int {
        guard !samples.isEmpty else { return 0 }
        let points = try nodes[0].client.retrieve(collection, ids: samples.map(\.id), withVectors: true)
        var byID: [String: BackupManifest.PointSample] = [:]
        for p in points { if let s = BackupManifest.PointSample(point: p) { byID[s.id.description] = s } }
        var bad: [String] = []
        for s in samples {
            guard let got = byID[s.id.description] else {
                bad.append("point \(s.id) is missing")
                continue
            }
            if got.payloadSHA256 != s.payloadSHA256 { bad.append("point \(s.id) has a different payload") }
            if got.vectorSHA256 != s.vectorSHA256 { bad.append("point \(s.id) has a different vector") }
        }
        guard bad.isEmpty else {
            throw QSnapError(.verificationFailed("restore.samples"),
                             "the restored \(collection) differs from the backup: " + bad.prefix(5).joined(separator: "; "))
        }
        return samples.count
    }

    private func checkQuery(collection: String, samples: [BackupManifest.PointSample]) throws {
        guard let id = samples.first?.id,
              let point = try nodes[0].client.retrieve(collection, ids: [id], withVectors: true).first,
              let vector = point["vector"]
        else { return }
        var body: [String: JSONValue] = ["limit": .number(1)]
        if vector.arrayValue != nil {
            body["query"] = vector
        } else if let named = vector.objectValue,
                  let name = named.keys.sorted().first(where: { named[$0]?.arrayValue?.first?.doubleValue != nil }) {
            body["query"] = named[name]!
            body["using"] = .string(name)
        } else {
            return
        }
        let answer = try nodes[0].client.query(collection, body: .object(body))
        guard let hits = answer["points"]?.arrayValue, !hits.isEmpty else {
            throw QSnapError(.verificationFailed("restore.query"),
                             "a nearest-vector query on the restored \(collection) returned no points")
        }
    }
}
