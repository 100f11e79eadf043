/// The version gate: Qdrant guarantees storage compatibility for one minor release only, and the server itself
/// checks nothing, so qsnap restores a backup only onto the source's minor or the next one.
public enum VersionGate {
    /// Evaluates the gate.
    /// - Parameters:
    ///   - source: the source version recorded in the manifest.
    ///   - target: the lowest version across the target nodes.
    public static func evaluate(source: QdrantVersion, target: QdrantVersion) -> RestoreGateResult {
        let figures = [
            "source": source.description, "target": target.description,
            "allowedMinors": "\(source.major).\(source.minor) or \(source.major).\(source.minor + 1)",
        ]
        if target.major != source.major {
            return RestoreGateResult(
                gate: .version, passed: false, figures: figures,
                detail: "target \(target) and source \(source) differ in their major version; Qdrant does not "
                    + "load data across major versions. Restore onto a \(source.major).\(source.minor).x deployment.")
        }
        let diff = target.minor - source.minor
        if diff == 0 || diff == 1 {
            return RestoreGateResult(
                gate: .version, passed: true, figures: figures,
                detail: "target \(target) can load data written by \(source) (same or next minor)")
        }
        if diff < 0 {
            return RestoreGateResult(
                gate: .version, passed: false, figures: figures,
                detail: "target \(target) is older than the source \(source): Qdrant cannot load data written by a "
                    + "newer release. Upgrade path: restore onto a \(source.major).\(source.minor).x deployment, or "
                    + "upgrade the target to \(source.major).\(source.minor) first.")
        }
        return RestoreGateResult(
            gate: .version, passed: false, figures: figures,
            detail: "target \(target) is \(diff) minor releases newer than the source \(source); Qdrant guarantees "
                + "storage compatibility for one minor only. Upgrade path: restore onto a "
                + "\(source.major).\(source.minor).x deployment, then upgrade one minor at a time: "
                + upgradePath(from: source, to: target).joined(separator: " → ") + ".")
    }

    /// The minors to pass through from `source` to `target`, e.g. `["1.16", "1.17", "1.18"]`.
    public static func upgradePath(from source: QdrantVersion, to target: QdrantVersion) -> [String] {
        guard source.major == target.major, target.minor >= source.minor else { return [] }
        return (source.minor...target.minor).map { "\(source.major).\($0)" }
    }
}
