import QSnapCore

/// A named conclusion a rule records, such as `reembedding: unavoidable`.
public struct AdviceFinding: Sendable, Equatable, Codable {
    /// The finding's name.
    public var name: String
    /// Its value.
    public var value: String

    /// Creates a finding.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}
