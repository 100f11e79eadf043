/// The checkpoint of a `qsnap migrate` run, rewritten atomically after every batch: what is being migrated (a
/// fingerprint of the source config, filter and changes, so that a changed run refuses to resume), whether the
/// target collection was created by this migration, and where every stream stands.
public struct MigrationJournal: Codable, Sendable, Equatable {
    /// One stream: a range of point ids scrolled and written in order.
    public struct Stream: Codable, Sendable, Equatable {
        /// The first id of the range (inclusive); `nil` from the start of the collection.
        public var start: JSONValue?
        /// The end of the range (exclusive); `nil` to the end of the collection.
        public var end: JSONValue?
        /// The scroll offset to read next; `nil` before the first page (then `start`).
        public var next: JSONValue?
        /// True once the range is written whole.
        public var done: Bool
        /// Points written so far (a rerun after a kill may write the last batch again: upserts are idempotent).
        public var written: Int

        public init(start: JSONValue?, end: JSONValue?) {
            self.start = start
            self.end = end
            self.next = nil
            self.done = false
            self.written = 0
        }
    }

    public var formatVersion: Int = 1
    /// SHA-256 of what defines the migration (see ``MigrationPlan/fingerprint``).
    public var fingerprint: String
    /// The source collection and the target collection.
    public var source: String
    public var target: String
    /// True once the target collection was created by this migration (a rerun may write into it).
    public var targetCreated: Bool
    /// True once the load finished and the bulk-load settings were restored.
    public var loaded: Bool
    /// The streams.
    public var streams: [Stream]
    /// When the migration started (ISO 8601).
    public var startedAt: String

    public init(fingerprint: String, source: String, target: String, streams: [Stream], startedAt: String) {
        self.fingerprint = fingerprint
        self.source = source
        self.target = target
        self.targetCreated = false
        self.loaded = false
        self.streams = streams
        self.startedAt = startedAt
    }

    /// Points written across the streams.
    public var written: Int { streams.reduce(0) { $0 + $1.written } }
}
