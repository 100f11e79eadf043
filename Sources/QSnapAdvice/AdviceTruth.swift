import QSnapCore

/// The outcome of a condition under three-valued logic: a comparison on an unknown fact is `unknown`, and a rule
/// fires only when its condition is `yes`.
public enum AdviceTruth: String, Sendable, Codable, Equatable {
    /// The condition holds.
    case yes
    /// The condition does not hold.
    case no
    /// A fact the condition needs is unknown.
    case unknown

    /// Kleene negation: `unknown` stays `unknown`.
    public var negated: AdviceTruth {
        switch self {
        case .yes: return .no
        case .no: return .yes
        case .unknown: return .unknown
        }
    }
}
