/// The outcome of one preflight gate of `qsnap check` / `qsnap restore`: pass or fail, with the figures it
/// compared and a sentence saying what they mean and what to do.
public struct RestoreGateResult: Codable, Sendable, Equatable {
    /// The gates, each skipped only by its own flag.
    public enum Gate: String, Codable, Sendable, CaseIterable {
        /// Source and target Qdrant minors (`--force-version`).
        case version
        /// Free disk on every target node (`--force-disk`).
        case disk
        /// The in-memory footprint estimate against the target's RAM (`--force-ram`).
        case ram
        /// Shard number, vectors, node count, name and alias collisions (`--force-topology`).
        case topology
        /// Aliases that point at collections qsnap did not restore (`--take-over-alias`).
        case alias

        /// The command-line flag that skips this gate.
        public var overrideFlag: String {
            switch self {
            case .version: return "--force-version"
            case .disk: return "--force-disk"
            case .ram: return "--force-ram"
            case .topology: return "--force-topology"
            case .alias: return "--take-over-alias"
            }
        }

        /// The code of a refusal by this gate (`restore.gate-disk`, …).
        public var refusalCode: QSnapError.Code {
            switch self {
            case .version: return .restoreGateVersion
            case .disk: return .restoreGateDisk
            case .ram: return .restoreGateRam
            case .topology: return .restoreGateTopology
            case .alias: return .restoreGateAlias
            }
        }
    }

    /// Which gate this is.
    public var gate: Gate
    /// True when the figures satisfy the gate.
    public var passed: Bool
    /// True when the gate failed but its override flag was given.
    public var forced: Bool
    /// The figures compared, as display strings (sizes in bytes, versions, counts).
    public var figures: [String: String]
    /// What the figures mean; on failure, what to do.
    public var detail: String

    /// Creates a result.
    public init(gate: Gate, passed: Bool, forced: Bool = false, figures: [String: String], detail: String) {
        self.gate = gate
        self.passed = passed
        self.forced = forced
        self.figures = figures
        self.detail = detail
    }

    /// True when this result stops the restore (failed and not forced).
    public var refuses: Bool { !passed && !forced }

    /// The same result with the override applied when `force` is set and the gate failed.
    public func overridden(by force: Bool) -> RestoreGateResult {
        var copy = self
        copy.forced = force && !passed
        return copy
    }

    /// `PASS`, `FAIL` or `FORCED`, for text output.
    public var verdict: String { passed ? "PASS" : (forced ? "FORCED" : "FAIL") }
}
