/// What a finished migration did (`qsnap migrate --json`).
public struct MigrationResult: Codable, Sendable {
    /// The source collection and the target collection.
    public var source: String
    public var target: String
    /// `copy`, or `in-place` when vectors were added to the source itself.
    public var mode: String
    /// Points in the target, equal to the source's (filtered) count.
    public var points: Int
    /// Points written by this run (a resumed run writes only what was left).
    public var written: Int
    /// Streams used.
    public var streams: Int
    /// True when an interrupted migration was resumed.
    public var resumed: Bool
    /// Every verification check.
    public var checks: [VerificationCheck]
    /// The alias switched to the target, if any, and the rollback alias on the collection it pointed at before.
    public var alias: String?
    public var previous: [String: String]
    /// Wall time and throughput of this run's load.
    public var seconds: Double
    public var pointsPerSecond: Double
}
