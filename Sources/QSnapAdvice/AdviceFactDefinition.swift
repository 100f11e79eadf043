import QSnapCore

/// The declaration of one fact rules may read: its name, type and meaning.
public struct AdviceFactDefinition: Hashable, Sendable {
    /// The name used in rule files (`source_version`) and, with dashes, as the `qsnap advise` flag.
    public var name: String
    /// The type of its values.
    public var type: AdviceFactType
    /// What the fact means.
    public var summary: String
    /// True for facts the engine computes from other facts (they cannot be set directly).
    public var derived: Bool

    /// Declares a fact.
    public init(_ name: String, _ type: AdviceFactType, _ summary: String, derived: Bool = false) {
        self.name = name
        self.type = type
        self.summary = summary
        self.derived = derived
    }
}
