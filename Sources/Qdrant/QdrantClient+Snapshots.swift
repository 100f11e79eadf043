import Foundation
import QSnapCore

extension QdrantClient {
    /// Creates a snapshot (`POST …/snapshots?wait=…`).
    ///
    /// With `wait: true` the call returns the new snapshot's description once it is stored (no total time limit:
    /// big collections take long). With `wait: false` Qdrant answers 202 at once and this returns `nil`; use
    /// ``waitForSnapshot(_:name:excluding:peer:timeout:poll:vanishGrace:)`` to find the result.
    public func createSnapshot(_ scope: SnapshotScope, wait: Bool = true) async throws -> SnapshotDescription? {
        let call = Call(
            method: "POST", segments: scope.listingSegments, query: [Self.waitQuery(wait)],
            deadline: wait ? .serverWork : .standard, idempotent: false)
        switch try await outcome(SnapshotDescription.self, call) {
        case .accepted: return nil
        case .ok(let description?): return description
        case .ok(nil):
            if !wait { return nil }
            throw QdrantError(
                .badResponse,
                "Qdrant \(call.method) \(call.path) answered without a snapshot description. Check that the URL "
                    + "points at a Qdrant server.")
        }
    }

    /// Lists the snapshots of a scope, **sorted by name** (Qdrant returns directory order).
    ///
    /// Entries whose name is not a bare file name (which no snapshot endpoint accepts back) are left out.
    public func listSnapshots(_ scope: SnapshotScope) async throws -> [SnapshotDescription] {
        let listed = try await result(
            [SnapshotDescription].self, Call(method: "GET", segments: scope.listingSegments, idempotent: true))
        let usable = Self.usableListing(listed)
        if usable.count != listed.count {
            logger.debug(
                "qdrant: ignored \(listed.count - usable.count) snapshot entries of \(scope) without a bare file name")
        }
        return usable
    }

    /// A listing as returned to callers: bare file names only, sorted by name.
    static func usableListing(_ listed: [SnapshotDescription]) -> [SnapshotDescription] {
        listed.filter { SnapshotName.isBareFileName($0.name) }.sorted { $0.name < $1.name }
    }

    /// Deletes a snapshot and its checksum sidecar (`DELETE …/snapshots/{name}`).
    /// - Throws: `refused("qdrant.snapshot-name")` before sending anything when `name` is not a bare file name.
    public func deleteSnapshot(_ scope: SnapshotScope, name: String, wait: Bool = true) async throws {
        try SnapshotName.validate(name)
        _ = try await outcome(
            JSONValue.self,
            Call(
                method: "DELETE", segments: scope.listingSegments + [name], query: [Self.waitQuery(wait)],
                idempotent: false))
    }

    /// Recovers a collection or shard from a snapshot the server fetches itself (`PUT …/snapshots/recover`).
    ///
    /// Not atomic on the server: restore into a fresh collection and switch an alias (see `updateAliases(_:)`).
    /// - Parameters:
    ///   - scope: a collection (a missing collection is created from the snapshot) or a shard; full snapshots
    ///     cannot be recovered over REST.
    ///   - location: an `http(s)://` URL (Qdrant downloads it), a `file://` URL inside the server's snapshots
    ///     directory (collections only), or, for a shard, the bare name of a shard snapshot on the server.
    ///   - priority: the source of truth for replica sets; Qdrant's default (`snapshot`) when `nil`.
    ///   - checksum: SHA-256 (64 hex digits) the server verifies while downloading.
    ///   - apiKey: a key Qdrant sends when downloading `location` (masked in any error).
    ///   - wait: wait for the recovery to finish (no total time limit) or return on 202.
    /// - Returns: `true` when the recovery finished, `false` when the server accepted it to run in the background.
    @discardableResult
    public func recoverSnapshot(
        _ scope: SnapshotScope, location: String, priority: SnapshotPriority? = nil,
        checksum: String? = nil, apiKey: String? = nil, wait: Bool = true
    ) async throws -> Bool {
        try Self.requireRecoverable(scope)
        try Self.validateChecksum(checksum)
        var body: [String: JSONValue] = ["location": .string(location)]
        if let priority { body["priority"] = .string(priority.rawValue) }
        if let checksum { body["checksum"] = .string(checksum) }
        var secrets: [String] = []
        if let apiKey, !apiKey.isEmpty {
            body["api_key"] = .string(apiKey)
            secrets.append(apiKey)
        }
        if let query = location.split(separator: "?", maxSplits: 1).dropFirst().first { secrets.append(String(query)) }
        let call = Call(
            method: "PUT", segments: scope.listingSegments + ["recover"], query: [Self.waitQuery(wait)],
            json: .object(body), deadline: wait ? .serverWork : .standard, idempotent: false,
            secrets: secrets)
        if case .accepted = try await outcome(JSONValue.self, call) { return false }
        return true
    }

    /// Waits for a snapshot created with `wait: false` to be complete, polling the listing and the telemetry
    /// (`collections.snapshots[].running_snapshots`, details level 2).
    ///
    /// The snapshot is complete when it is listed with a checksum (the sidecar is stored last), or listed while
    /// the collection has no snapshot creation running, or (when telemetry is unavailable, e.g. for full snapshots)
    /// listed with the same size on two polls in a row.
    ///
    /// It never waits for something that cannot come: a snapshot that was listed and then disappeared (deleted by
    /// another client) fails at once, and nothing listed while the node reports no creation running for
    /// `vanishGrace` seconds (the creation failed in the background, or its result was deleted before it was
    /// seen) fails after that grace — both with `failure("qdrant.snapshot-vanished")` — instead of polling until
    /// `timeout`.
    /// - Parameters:
    ///   - name: the expected name, when known.
    ///   - excluding: when `name` is `nil`, names listed before the creation was started; the newest other
    ///     snapshot is awaited.
    ///   - peer: the node's peer id, when known: collection snapshots other peers made (listed by a node that stores
    ///     snapshots on S3) are ignored.
    ///   - timeout: seconds to wait before throwing `failure("qdrant.snapshot-timeout")`.
    ///   - poll: seconds between polls.
    ///   - vanishGrace: seconds with nothing listed and no creation running before giving up.
    public func waitForSnapshot(
        _ scope: SnapshotScope, name: String? = nil, excluding: Set<String> = [],
        peer: UInt64? = nil, timeout: Double = 3600, poll: Double = 1,
        vanishGrace: Double = 30
    ) async throws
        -> SnapshotDescription
    {
        if let name { try SnapshotName.validate(name) }
        let deadline = Date().addingTimeInterval(timeout)
        var previous: SnapshotDescription?
        var seen: String?
        var idleSince: Date?
        while true {
            try ProcessStop.check()
            // With S3 snapshot storage a node lists the other nodes' collection snapshots too: only `peer`'s count.
            let listed = try await listSnapshots(scope).filter { snapshot in
                peer.map { SnapshotName.canBelong(snapshot.name, toPeer: $0) } ?? true
            }
            let candidate: SnapshotDescription?
            if let name {
                candidate = listed.first { $0.name == name }
            } else {
                candidate = listed.filter { !excluding.contains($0.name) }.max { Self.isOlder($0, than: $1) }
            }
            if let candidate {
                seen = candidate.name
                idleSince = nil
                if candidate.checksum != nil { return candidate }
                switch await runningSnapshots(scope) {
                case 0?: return candidate
                case nil: if previous == candidate { return candidate }
                default: break
                }
            } else if let seen {
                throw vanished(scope, "snapshot \"\(seen)\" was listed, then disappeared (deleted by another client?)")
            } else if await runningSnapshots(scope) == 0 {
                let since = idleSince ?? Date()
                idleSince = since
                if Date().timeIntervalSince(since) >= vanishGrace {
                    throw vanished(
                        scope,
                        "no \(name.map { "snapshot \"\($0)\"" } ?? "new snapshot") is listed and the node has reported no snapshot creation running for \(Int(vanishGrace)) s (the creation failed on the server, or another client deleted its result)"
                    )
                }
            } else {
                idleSince = nil
            }
            previous = candidate
            guard Date() < deadline else {
                throw QdrantError(
                    .snapshotTimeout,
                    "The snapshot of \(scope) \(name.map { "\"\($0)\" " } ?? "")was not complete after \(Int(timeout)) s. "
                        + "It may still be running on the server (GET /telemetry?details_level=2 shows "
                        + "running_snapshots); wait longer or look again later.")
            }
            try await Task.sleep(for: .seconds(max(0.05, poll)))
        }
    }

    private func vanished(_ scope: SnapshotScope, _ what: String) -> QdrantError {
        QdrantError(.snapshotVanished, "Waiting for the snapshot of \(scope) stopped: \(what).")
    }

    /// Snapshot creations running for the scope's collection per telemetry; `nil` when unknown.
    func runningSnapshots(_ scope: SnapshotScope) async -> Int? {
        guard let collection = scope.collection,
            let telemetry = try? await telemetry(detailsLevel: 2)
        else { return nil }
        return telemetry.snapshots[collection]?.runningSnapshots
    }

    /// Orders snapshots by the time in their name (else their creation time), then by name.
    public static func isOlder(_ a: SnapshotDescription, than b: SnapshotDescription) -> Bool {
        let ta = SnapshotName.parse(a.name)?.creationTime ?? a.creationDate ?? .distantPast
        let tb = SnapshotName.parse(b.name)?.creationTime ?? b.creationDate ?? .distantPast
        return ta != tb ? ta < tb : a.name < b.name
    }

    static func requireRecoverable(_ scope: SnapshotScope) throws {
        if case .full = scope {
            throw QdrantError(
                .fullRecover,
                "Qdrant has no REST endpoint that recovers a full-storage snapshot. Restore it when starting the "
                    + "server (--storage-snapshot), or recover the collection snapshots it contains one by one.")
        }
    }

    static func validateChecksum(_ checksum: String?) throws {
        if let checksum, !Hex.isSHA256(checksum) {
            throw QdrantError(
                .checksum,
                "The checksum \"\(checksum.prefix(80))\" is not a SHA-256: give exactly 64 hexadecimal digits.")
        }
    }
}
