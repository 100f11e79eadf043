import Foundation
import Logging
import QSnapCore
import Qdrant

/// Checks, before anything is changed, that a Qdrant credential allows what an operation needs — so that a read-only
/// key or a JWT without the right claims is refused with a clear message, not a 403 half-way through.
///
/// A JWT's claims are read from the token itself (an expired one is refused at once). A static key has no claims to
/// read: whether it has manage access is asked of the server with a request that changes nothing — deleting a
/// collection that does not exist, which Qdrant refuses with 403 for a read-only key before it looks for the
/// collection.
public struct QdrantAccessCheck: Sendable {
    /// What an operation needs.
    public enum Need: Sendable {
        /// Global manage access (recover, upload, create or delete collections, alias changes).
        case manage(operation: String)
        /// Snapshot creation and deletion on these collections (collection `rw`, or manage).
        case writeCollections([String], operation: String)
    }

    /// `source` or `target`, in messages.
    public let role: String
    public let client: QdrantClient
    public let logger: Logger

    /// Creates a check of `client`'s credential.
    public init(role: String, client: QdrantClient, logger: Logger) {
        self.role = role
        self.client = client
        self.logger = logger
    }

    /// What the credential may do.
    /// - Throws: `refused("qdrant.jwt-expired")` for an expired JWT; the server's failure (e.g. 401 for a wrong key).
    public func level(now: Date = Date()) async throws -> QdrantAccessLevel {
        guard let credential = client.credential else { return try await probeManage() ? .manage : .globalRead }
        if let claims = credential.claims {
            if claims.isExpired(now: now) {
                let when =
                    claims.expiresAt.map {
                        ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: Double($0)))
                    } ?? "?"
                throw QSnapError(
                    .qdrantJwtExpired,
                    "the \(role) JWT (\(credential.origin)) expired at \(when): issue a new token and pass it again")
            }
            return claims.access
        }
        return try await probeManage() ? .manage : .globalRead
    }

    /// Refuses (exit 3) when the credential does not allow `need`.
    public func require(_ need: Need, now: Date = Date()) async throws {
        let level = try await self.level(now: now)
        let origin = client.credential.map { " (\($0.origin))" } ?? ""
        switch need {
        case .manage(let operation):
            guard level.canManage else {
                throw QSnapError(
                    .qdrantAccess,
                    "the \(role) key\(origin) is \(level): \(operation) needs a read-write key with manage access "
                        + "(an api_key, or a JWT with access \"m\"); nothing was changed")
            }
        case .writeCollections(let collections, let operation):
            if let denied = collections.first(where: { !level.canWrite($0) }) {
                throw QSnapError(
                    .qdrantAccess,
                    "the \(role) key\(origin) is \(level): \(operation) needs write access to collection \(denied) "
                        + "(a read-write key, or a JWT with access rw on it); nothing was changed")
            }
        }
        logger.info("the \(role) key allows the operation (\(level))")
    }

    /// True when the server grants manage access: a delete of a collection that does not exist is refused with 403
    /// without it, and changes nothing with it.
    private func probeManage() async throws -> Bool {
        let probe = "qsnap-access-probe-" + UUID().uuidString.lowercased()
        do {
            try await client.deleteCollection(probe)
            return true
        } catch let error as QdrantError {
            if let failure = error.qdrantFailure, let status = failure.status {
                if status == 403 { return false }
                if status == 404 || status == 400 { return true }
            }
            throw error
        }
    }
}
