import QSnapCore

/// A condition of the rule language, evaluated over facts with three-valued logic.
///
/// In YAML: `{all: [c…]}`, `{any: [c…]}`, `{not: c}`, `{fact: NAME, OP: VALUE}` with OP one of
/// ``AdviceOperator`` (VALUE may be `{fact: OTHER}` to compare two facts), or `{fact: NAME, known: true|false}`.
/// A comparison with an unknown fact is `unknown`; `all` is `no` if any part is `no`, `any` is `yes` if any part is
/// `yes`; `not` keeps `unknown`. `known` is never `unknown`.
public indirect enum AdviceCondition: Sendable, Equatable {
    /// Every part holds.
    case all([AdviceCondition])
    /// At least one part holds.
    case any([AdviceCondition])
    /// The part does not hold.
    case not(AdviceCondition)
    /// A fact compared with literal values or with another fact.
    case compare(fact: String, op: AdviceOperator, operand: AdviceOperand)
    /// Whether a fact is known.
    case known(fact: String, Bool)

    /// The outcome over `facts` and a sentence explaining it.
    public func evaluate(_ facts: [String: AdviceValue]) -> (truth: AdviceTruth, why: String) {
        switch self {
        case .all(let parts):
            let results = parts.map { $0.evaluate(facts) }
            if let no = results.first(where: { $0.truth == .no }) { return (.no, no.why) }
            let unknown = results.filter { $0.truth == .unknown }
            if !unknown.isEmpty { return (.unknown, unknown.map(\.why).joined(separator: "; ")) }
            return (.yes, results.map(\.why).joined(separator: " and "))
        case .any(let parts):
            let results = parts.map { $0.evaluate(facts) }
            if let yes = results.first(where: { $0.truth == .yes }) { return (.yes, yes.why) }
            let unknown = results.filter { $0.truth == .unknown }
            if !unknown.isEmpty { return (.unknown, unknown.map(\.why).joined(separator: "; ")) }
            return (.no, "none of: " + results.map(\.why).joined(separator: "; "))
        case .not(let part):
            let r = part.evaluate(facts)
            return (r.truth.negated, r.truth == .unknown ? r.why : "not (\(r.why))")
        case .known(let fact, let wanted):
            let isKnown = facts[fact] != nil
            let why = isKnown ? "\(fact) is known (\(Self.show(fact, facts[fact]!)))" : "\(fact) is unknown"
            return (isKnown == wanted ? .yes : .no, why)
        case .compare(let fact, let op, let operand):
            return Self.compare(fact, op, operand, facts)
        }
    }

    /// Every fact name the condition reads.
    public var facts: [String] {
        switch self {
        case .all(let parts), .any(let parts): return parts.flatMap(\.facts)
        case .not(let part): return part.facts
        case .known(let fact, _): return [fact]
        case .compare(let fact, _, let operand):
            if case .fact(let other) = operand { return [fact, other] }
            return [fact]
        }
    }

    /// `value` formatted for the type of `fact` (bytes with units, ratios with ×).
    static func show(_ fact: String, _ value: AdviceValue) -> String {
        AdviceFactCatalog.definition(fact)?.type.format(value) ?? value.description
    }

    private static func compare(
        _ fact: String, _ op: AdviceOperator, _ operand: AdviceOperand, _ facts: [String: AdviceValue]
    ) -> (truth: AdviceTruth, why: String) {
        guard let value = facts[fact] else { return (.unknown, "\(fact) is unknown") }
        let candidates: [AdviceValue]
        let shown: String
        switch operand {
        case .value(let v):
            candidates = [v]
            shown = show(fact, v)
        case .values(let vs):
            candidates = vs
            shown = "[" + vs.map { show(fact, $0) }.joined(separator: ", ") + "]"
        case .fact(let other):
            guard let v = facts[other] else { return (.unknown, "\(other) is unknown") }
            candidates = [v]
            shown = "\(other) \(show(other, v))"
        }
        let holds: Bool
        switch op {
        case .equals: holds = candidates.contains(value)
        case .notEquals: holds = !candidates.contains(value)
        case .in: holds = candidates.contains(value)
        case .notIn: holds = !candidates.contains(value)
        case .gt, .gte, .lt, .lte:
            guard let order = value.compare(to: candidates[0]) else { return (.unknown, "\(fact) cannot be ordered") }
            switch op {
            case .gt: holds = order == .orderedDescending
            case .gte: holds = order != .orderedAscending
            case .lt: holds = order == .orderedAscending
            default: holds = order != .orderedDescending
            }
        }
        return (holds ? .yes : .no, "\(fact) is \(show(fact, value)) (\(op.symbol) \(shown): \(holds ? "yes" : "no"))")
    }
}
