import QSnapCore

/// One rule of a policy file: when its condition holds it recommends a method, excludes methods, records
/// findings, adds warnings or tips.
public struct AdviceRule: Sendable, Equatable {
    /// Unique id within its policy, e.g. `other-engine`.
    public var id: String
    /// Higher wins when several fired rules recommend different methods.
    public var priority: Int
    /// When the rule fires.
    public var when: AdviceCondition
    /// Why, for people; `{fact}` placeholders are filled in.
    public var because: String
    /// The method this rule recommends, if any.
    public var recommend: String?
    /// Methods this rule rules out (a veto, whatever their priority).
    public var exclude: [String]
    /// Named findings such as `reembedding: unavoidable`.
    public var findings: [AdviceFinding]
    /// Warnings added when the rule fires.
    public var warnings: [String]
    /// Tips added when the rule fires.
    public var tips: [String]
    /// True when the condition reads `decision`: evaluated after the decision, may only add findings, warnings, tips.
    public var afterDecision: Bool
    /// Line of the rule in its file.
    public var line: Int

    /// Creates a rule.
    public init(
        id: String, priority: Int, when: AdviceCondition, because: String, recommend: String? = nil,
        exclude: [String] = [], findings: [AdviceFinding] = [], warnings: [String] = [], tips: [String] = [],
        afterDecision: Bool = false, line: Int = 0
    ) {
        self.id = id
        self.priority = priority
        self.when = when
        self.because = because
        self.recommend = recommend
        self.exclude = exclude
        self.findings = findings
        self.warnings = warnings
        self.tips = tips
        self.afterDecision = afterDecision
        self.line = line
    }
}
