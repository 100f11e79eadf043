import QSnapCore

/// What `qsnap migrate` was asked to do, beyond the ``MigrationPlan``.
public struct MigrationOptions: Sendable {
    /// The plan's options (collection, target name, filter, overrides, vector changes).
    public var plan: MigrationPlan.Options
    /// Points per scroll page and per upsert.
    public var batch: Int = 256
    /// Streams at once (each scrolls its own range of ids).
    public var parallel: Int = 2
    /// Resume an interrupted migration of the same source and target from its journal.
    public var resume: Bool = true
    /// The alias to switch to the target once it is verified.
    public var alias: String?
    /// Where journals are kept.
    public var stateDirectory: String
    /// Points compared by value after the load.
    public var verifySamples: Int = 16
    /// Add the vectors to the source collection itself (Qdrant ≥ 1.18) instead of copying.
    public var inPlace: Bool = false

    /// Creates options.
    public init(plan: MigrationPlan.Options, stateDirectory: String) {
        self.plan = plan
        self.stateDirectory = stateDirectory
    }
}
