import Foundation

/// The outcome of ``RetentionPlanner/plan(backups:policy:now:)``: one decision per backup.
public struct RetentionPlan: Sendable, Equatable {
    /// What happens to one backup.
    public struct Decision: Sendable, Equatable {
        /// The backup.
        public var backup: RetentionBackup
        /// True when the backup is kept.
        public var keep: Bool
        /// Every reason it is kept (empty when it is forgotten).
        public var reasons: [RetentionReason]
    }

    /// The decisions, newest backup first (ties: the later id first), one per backup.
    public var decisions: [Decision]
    /// The planning time.
    public var now: Date

    /// The kept backups, newest first.
    public var kept: [RetentionBackup] { decisions.filter(\.keep).map(\.backup) }

    /// The backups to delete, in deletion order: oldest first (the reverse of ``decisions``).
    public var forgotten: [RetentionBackup] { decisions.reversed().filter { !$0.keep }.map(\.backup) }

    /// How many backups the deletion cap held back for a later run.
    public var heldByCap: Int { decisions.filter { $0.reasons.contains { $0.rule == .deletionCap } }.count }

    /// The decision for backup `id`, if present.
    public func decision(for id: String) -> Decision? { decisions.first { $0.backup.id == id } }
}
