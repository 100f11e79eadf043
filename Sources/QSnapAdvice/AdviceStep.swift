import QSnapCore

/// One next step of a method: a shell command (`run`) or a manual action (`do`), optionally only when a
/// condition holds; `{fact}` placeholders are filled in (unknown facts print as `<fact>`).
public struct AdviceStep: Sendable, Equatable {
    /// A command to run or an action to take by hand.
    public enum Kind: String, Sendable, Codable, Equatable {
        /// A shell command.
        case command
        /// A manual step (console, review).
        case manual
    }

    /// Command or manual step.
    public var kind: Kind
    /// The template text.
    public var text: String
    /// Shown only when this holds (`nil`: always).
    public var when: AdviceCondition?

    /// Creates a step.
    public init(kind: Kind, text: String, when: AdviceCondition? = nil) {
        self.kind = kind
        self.text = text
        self.when = when
    }
}
