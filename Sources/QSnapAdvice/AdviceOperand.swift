import QSnapCore

/// The right-hand side of a comparison: a literal, a list of literals (`in`, `not_in`) or another fact.
public enum AdviceOperand: Sendable, Equatable {
    /// One literal value.
    case value(AdviceValue)
    /// A list of literal values.
    case values([AdviceValue])
    /// The value of another fact, written `{fact: NAME}`.
    case fact(String)
}
