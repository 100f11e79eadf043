import Foundation

extension RetentionPlan {
    /// One line per backup, newest first: `keep   ID  TIME  reason, reason` or `forget ID  TIME`, followed by a
    /// summary line. For `qsnap prune` dry runs.
    public func textLines() -> [String] {
        let width = decisions.map(\.backup.id.count).max() ?? 0
        var lines = decisions.map { d in
            let id = d.backup.id.padding(toLength: width, withPad: " ", startingAt: 0)
            let head = "\(d.keep ? "keep  " : "forget") \(id)  \(UTCCivilTime.iso8601(d.backup.time))"
            return d.reasons.isEmpty ? head : head + "  " + d.reasons.map(\.description).joined(separator: ", ")
        }
        var summary = "\(kept.count) kept, \(forgotten.count) to delete"
        if heldByCap > 0 { summary += ", \(heldByCap) held back by the deletion cap" }
        lines.append(summary)
        return lines
    }

    /// The plan as JSON: `{"now", "kept", "forgotten", "held_by_cap", "decisions": [{"id", "time", "keep",
    /// "reasons": [{"rule", "detail", "text"}]}], "deletion_order": [ids]}`.
    public var json: JSONValue {
        .object([
            "now": .string(UTCCivilTime.iso8601(now)),
            "kept": .number(Double(kept.count)),
            "forgotten": .number(Double(forgotten.count)),
            "held_by_cap": .number(Double(heldByCap)),
            "deletion_order": .array(forgotten.map { .string($0.id) }),
            "decisions": .array(
                decisions.map { d in
                    .object([
                        "id": .string(d.backup.id),
                        "time": .string(UTCCivilTime.iso8601(d.backup.time)),
                        "keep": .bool(d.keep),
                        "reasons": .array(
                            d.reasons.map { r in
                                .object([
                                    "rule": .string(r.rule.rawValue), "detail": .string(r.detail),
                                    "text": .string(r.description),
                                ])
                            }),
                    ])
                }),
        ])
    }
}
