/// Decides whether `qsnap forget` may delete the backups it was given. Pure.
///
/// Two kinds of backup are protected, the same ones a prune never deletes: a **pinned** backup (its manifest says
/// so) and the **newest verified** backup (newest by time, ties by id descending, as ``RetentionPlanner`` orders
/// them). Forgetting either needs `--force`.
public enum ForgetGate {
    /// Why a backup is protected.
    public enum Protection: String, Sendable, Equatable, Codable {
        /// The manifest is pinned (`qsnap pin`).
        case pinned
        /// The newest backup that passed `qsnap verify`.
        case newestVerified = "newest-verified"
    }

    /// One protected backup among those to forget.
    public struct Refusal: Sendable, Equatable, Codable {
        /// The backup id.
        public var id: String
        /// Why it is protected.
        public var protection: Protection

        /// Creates a refusal.
        public init(id: String, protection: Protection) {
            self.id = id
            self.protection = protection
        }

        /// One line for messages, e.g. `backup X is pinned (qsnap unpin X first)`.
        public var text: String {
            switch protection {
            case .pinned: return "backup \(id) is pinned (unpin it with qsnap unpin \(id))"
            case .newestVerified: return "backup \(id) is the newest verified backup"
            }
        }
    }

    /// The protected backups among `ids`, in the order of `ids`.
    /// - Parameter backups: every complete backup of the repository (not only those to forget), with labels.
    public static func refusals(forgetting ids: [String], among backups: [RetentionBackup]) -> [Refusal] {
        let byID = Dictionary(backups.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let newestVerified =
            backups
            .sorted { a, b in a.time != b.time ? a.time > b.time : a.id > b.id }
            .first { $0.verified }?.id
        var out: [Refusal] = []
        for id in ids {
            if byID[id]?.pinned == true { out.append(Refusal(id: id, protection: .pinned)) }
            if id == newestVerified { out.append(Refusal(id: id, protection: .newestVerified)) }
        }
        return out
    }

    /// Checks `ids`; returns the refusals that `force` overrides (empty when nothing was protected).
    /// - Throws: `refused("forget.protected")` (exit 3) naming every protected backup and `--force`, unless `force`.
    @discardableResult
    public static func check(forgetting ids: [String], among backups: [RetentionBackup], force: Bool) throws
        -> [Refusal]
    {
        let refusals = refusals(forgetting: ids, among: backups)
        guard refusals.isEmpty || force else {
            throw QSnapError(
                .forgetProtected,
                "refusing to forget: " + refusals.map(\.text).joined(separator: "; ")
                    + "; nothing was deleted. Pass --force to delete protected backups anyway")
        }
        return refusals
    }
}
