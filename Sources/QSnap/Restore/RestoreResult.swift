/// What a finished restore did (`qsnap restore --json`).
public struct RestoreResult: Codable, Sendable {
    /// One recovery of one object on one node.
    public struct Recovery: Codable, Sendable {
        /// The node URL.
        public var node: String
        /// The object key.
        public var key: String
        /// Bytes of the object.
        public var bytes: Int64
        /// Wall time of the recovery.
        public var seconds: Double
    }

    /// One restored collection.
    public struct Restored: Codable, Sendable {
        /// Its name in the backup.
        public var source: String
        /// The collection created (the aliases now point here).
        public var collection: String
        /// Exact point count, equal to the manifest's.
        public var points: Int
        /// Sampled points whose payload and vector digests matched.
        public var samplesChecked: Int
        /// Every verification check, as it ran (or `not checked`).
        public var checks: [VerificationCheck]
        /// Every recovery performed.
        public var recoveries: [Recovery]
    }

    /// The backup restored.
    public var backupID: String
    /// How objects reached the nodes.
    public var transport: RestoreTransport
    /// Every restored collection.
    public var collections: [Restored]
    /// Alias → collection after the switch.
    public var aliases: [String: String]
    /// Rollback aliases set on the collections the aliases pointed at before (`<alias>-qsnap-previous`).
    public var previous: [String: String]
    /// Staging collections of earlier interrupted restores that were removed.
    public var removedStale: [String]
    /// Wall time of the whole restore.
    public var durationSeconds: Double
}
