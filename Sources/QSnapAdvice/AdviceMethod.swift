import QSnapCore

/// A way of doing the job that rules can recommend (Migration Tool, snapshots, Cloud backups, a re-embedding
/// strategy…), with its comparison properties, constraints, next steps and standing warnings.
public struct AdviceMethod: Sendable, Equatable {
    /// A named property of the method (a row of the comparison table).
    public struct Property: Sendable, Equatable, Codable {
        /// Row name, e.g. `interruption`.
        public var name: String
        /// Value, e.g. `checkpoint resume`.
        public var value: String

        /// Creates a property.
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    /// Unique id within its policy, e.g. `migration-tool`.
    public var id: String
    /// Title for people.
    public var title: String
    /// One-sentence summary.
    public var summary: String
    /// Comparison rows, in file order.
    public var properties: [Property]
    /// Checked once the method is chosen.
    public var constraints: [AdviceConstraint]
    /// Next commands and manual steps.
    public var steps: [AdviceStep]
    /// Warnings shown whenever the method is chosen (conditional ones carry `when`).
    public var warnings: [AdviceStep]
    /// Line in the policy file.
    public var line: Int

    /// Creates a method.
    public init(
        id: String, title: String, summary: String = "", properties: [Property] = [],
        constraints: [AdviceConstraint] = [], steps: [AdviceStep] = [], warnings: [AdviceStep] = [], line: Int = 0
    ) {
        self.id = id
        self.title = title
        self.summary = summary
        self.properties = properties
        self.constraints = constraints
        self.steps = steps
        self.warnings = warnings
        self.line = line
    }
}
