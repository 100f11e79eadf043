import QSnapCore

/// One rule file: a domain (e.g. moving data, changing the embedding model) with its methods and rules.
public struct AdvicePolicy: Sendable, Equatable {
    /// The rule-file format version this qsnap reads.
    public static let supportedVersion = 1

    /// Where it was loaded from (a path, or `embedded:<name>`).
    public var file: String
    /// The `version:` key.
    public var version: Int
    /// Domain id, e.g. `migration`.
    public var domain: String
    /// Title for people.
    public var title: String
    /// The domain is considered only when this holds (`nil`: always).
    public var appliesWhen: AdviceCondition?
    /// Methods rules may recommend, in file order.
    public var methods: [AdviceMethod]
    /// Rules, in file order.
    public var rules: [AdviceRule]

    /// Creates a policy.
    public init(
        file: String, version: Int = AdvicePolicy.supportedVersion, domain: String, title: String,
        appliesWhen: AdviceCondition? = nil, methods: [AdviceMethod], rules: [AdviceRule]
    ) {
        self.file = file
        self.version = version
        self.domain = domain
        self.title = title
        self.appliesWhen = appliesWhen
        self.methods = methods
        self.rules = rules
    }

    /// The method with id `id`, or `nil`.
    public func method(_ id: String) -> AdviceMethod? { methods.first { $0.id == id } }
}
