import Foundation

/// The repository lock object: who holds the repository, since when, until when and for what.
///
/// Stored as JSON (`locks/repository.json` in the repository) with stable keys:
/// `{"created":"…Z","expires":"…Z","owner":{"host":"…","pid":123,"run_id":"…"},"purpose":"run","version":1}`.
/// Creating it must be conditional (create-if-absent) on the storage side; ``RepositoryLockDecision`` decides
/// what to do when one already exists.
public struct RepositoryLock: Sendable, Equatable, Codable {
    /// The identity of a lock holder.
    public struct Owner: Sendable, Equatable, Codable {
        /// The host name.
        public var host: String
        /// The process id.
        public var pid: Int32
        /// A unique id of this run (a UUID), which tells two runs on one host apart.
        public var runID: String

        /// Creates an owner.
        public init(host: String, pid: Int32, runID: String) {
            self.host = host
            self.pid = pid
            self.runID = runID
        }

        enum CodingKeys: String, CodingKey {
            case host, pid
            case runID = "run_id"
        }
    }

    /// The current format version.
    public static let formatVersion = 1

    /// Who holds the lock.
    public var owner: Owner
    /// When the lock was first taken.
    public var created: Date
    /// When the lock lapses unless renewed.
    public var expires: Date
    /// What the holder is doing: `run`, `backup`, `prune`, `drill`, …
    public var purpose: String
    /// How the store makes taking the lock exclusive: `exclusive-create` (local directories),
    /// `conditional-write` (S3 `If-None-Match` / `If-Match`) or `write-settle-read-back` (stores without
    /// conditional writes). `nil` in locks written before it was recorded.
    public var mechanism: String?

    /// Creates a lock.
    public init(owner: Owner, created: Date, expires: Date, purpose: String) {
        self.owner = owner
        self.created = created
        self.expires = expires
        self.purpose = purpose
    }

    enum CodingKeys: String, CodingKey {
        case owner, created, expires, purpose, version, mechanism
    }

    /// Decodes a lock, refusing unknown format versions.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let version = try c.decode(Int.self, forKey: .version)
        guard version == Self.formatVersion else {
            throw DecodingError.dataCorruptedError(
                forKey: .version, in: c, debugDescription: "lock format version \(version) is not supported")
        }
        owner = try c.decode(Owner.self, forKey: .owner)
        purpose = try c.decode(String.self, forKey: .purpose)
        func date(_ key: CodingKeys) throws -> Date {
            let text = try c.decode(String.self, forKey: key)
            guard let d = UTCCivilTime.parseISO8601(text) else {
                throw DecodingError.dataCorruptedError(forKey: key, in: c, debugDescription: "not an ISO 8601 UTC time")
            }
            return d
        }
        created = try date(.created)
        expires = try date(.expires)
        mechanism = try c.decodeIfPresent(String.self, forKey: .mechanism)
    }

    /// Encodes the lock with ISO 8601 UTC times.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(Self.formatVersion, forKey: .version)
        try c.encode(owner, forKey: .owner)
        try c.encode(UTCCivilTime.iso8601(created), forKey: .created)
        try c.encode(UTCCivilTime.iso8601(expires), forKey: .expires)
        try c.encode(purpose, forKey: .purpose)
        try c.encodeIfPresent(mechanism, forKey: .mechanism)
    }

    /// The lock as compact JSON with sorted keys.
    public func jsonData() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(self)) ?? Data()
    }

    /// Reads a lock object.
    ///
    /// - Throws: `QSnapError` `.lockUnreadable` when the bytes are not a lock: the caller must not
    ///   guess whether someone holds the repository; the message says how to clear it by hand.
    public static func decode(_ data: Data, location: String) throws -> RepositoryLock {
        do {
            return try JSONDecoder().decode(RepositoryLock.self, from: data)
        } catch {
            throw QSnapError(
                .lockUnreadable,
                "the lock object \(location) is not a readable qsnap lock; make sure no qsnap run uses this repository, then delete it by hand"
            )
        }
    }

    /// This lock with its expiry moved to `now + ttl` (a renewal by its holder).
    public func renewed(now: Date, ttl: TimeInterval) -> RepositoryLock {
        var copy = self
        copy.expires = now.addingTimeInterval(ttl)
        return copy
    }

    /// One line naming the holder, e.g. `host db-1 pid 42 run 3F2… (run) since … until …`.
    public var holderDescription: String {
        "host \(owner.host) pid \(owner.pid) run \(owner.runID) (\(purpose)) since \(UTCCivilTime.iso8601(created)) until \(UTCCivilTime.iso8601(expires))"
    }
}
