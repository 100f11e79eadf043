import QSnapCore

/// A comparison operator of the condition language.
public enum AdviceOperator: String, Sendable, CaseIterable, Equatable {
    /// Equal to the operand.
    case equals
    /// Not equal to the operand.
    case notEquals = "not_equals"
    /// One of a list of operands.
    case `in`
    /// None of a list of operands.
    case notIn = "not_in"
    /// Greater than the operand (ordered types only).
    case gt
    /// Greater than or equal to the operand (ordered types only).
    case gte
    /// Less than the operand (ordered types only).
    case lt
    /// Less than or equal to the operand (ordered types only).
    case lte

    /// True for `in` and `not_in`, whose operand is a list.
    public var takesList: Bool { self == .in || self == .notIn }
    /// True for `gt`, `gte`, `lt`, `lte`.
    public var isOrdering: Bool { [.gt, .gte, .lt, .lte].contains(self) }

    /// The symbol shown in explanations.
    public var symbol: String {
        switch self {
        case .equals: return "="
        case .notEquals: return "≠"
        case .in: return "in"
        case .notIn: return "not in"
        case .gt: return ">"
        case .gte: return "≥"
        case .lt: return "<"
        case .lte: return "≤"
        }
    }
}
