/// The alias gate: a restore never takes over an alias that points at a collection qsnap did not restore
/// (see ``RestoreNaming``), unless told to.
public enum AliasGate {
    /// Evaluates the gate.
    /// - Parameters:
    ///   - aliases: the aliases the restore will point at its staging collections.
    ///   - targetAliases: every alias on the target: alias name → collection name.
    public static func evaluate(aliases: [String], targetAliases: [String: String]) -> RestoreGateResult {
        var figures: [String: String] = [:]
        var foreign: [String] = []
        for alias in aliases {
            guard let current = targetAliases[alias] else {
                figures[alias] = "(new)"
                continue
            }
            figures[alias] = current
            if !RestoreNaming.isRestored(current) { foreign.append("\(alias) → \(current)") }
        }
        if foreign.isEmpty {
            return RestoreGateResult(
                gate: .alias, passed: true, figures: figures,
                detail: "every alias is new or points at a collection qsnap restored")
        }
        return RestoreGateResult(
            gate: .alias, passed: false, figures: figures,
            detail: "alias(es) \(foreign.joined(separator: ", ")) point at collections qsnap did not restore; pass "
                + "--take-over-alias to switch them anyway (the old collection is kept)")
    }
}
