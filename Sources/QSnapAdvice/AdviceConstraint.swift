import QSnapCore

/// A requirement a method places on the facts, checked with figures once the method is chosen, e.g. disk headroom
/// `≥ 2×` for snapshots.
public struct AdviceConstraint: Sendable, Equatable {
    /// Whether a failed check refuses the plan or only warns.
    public enum Severity: String, Sendable, Codable, Equatable {
        /// A failure makes the advice `blocked` (exit status 3).
        case block
        /// A failure is shown as a warning.
        case warn
    }

    /// Unique id within its method, e.g. `disk-headroom`.
    public var id: String
    /// What is checked, for people.
    public var label: String
    /// The comparison (a ``AdviceCondition/compare(fact:op:operand:)``).
    public var fact: String
    /// The operator.
    public var op: AdviceOperator
    /// The operand.
    public var operand: AdviceOperand
    /// Block or warn.
    public var severity: Severity
    /// Further facts shown as figures next to the result (e.g. `free_disk`, `data_size`).
    public var figures: [String]
    /// Line in the policy file.
    public var line: Int

    /// Creates a constraint.
    public init(
        id: String, label: String, fact: String, op: AdviceOperator, operand: AdviceOperand,
        severity: Severity = .block, figures: [String] = [], line: Int = 0
    ) {
        self.id = id
        self.label = label
        self.fact = fact
        self.op = op
        self.operand = operand
        self.severity = severity
        self.figures = figures
        self.line = line
    }

    /// The requirement as text, e.g. `≥ 2.00×`.
    public var requirement: String {
        switch operand {
        case .value(let v): return "\(op.symbol) \(AdviceCondition.show(fact, v))"
        case .values(let vs): return "\(op.symbol) " + vs.map { AdviceCondition.show(fact, $0) }.joined(separator: ", ")
        case .fact(let other): return "\(op.symbol) \(other)"
        }
    }
}
