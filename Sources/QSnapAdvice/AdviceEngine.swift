import QSnapCore

/// The decision engine: facts in, an ``AdviceReport`` out. Pure code over loaded ``AdvicePolicy`` values.
///
/// Per domain: rules are evaluated by descending priority (file order breaks ties); a rule fires when its
/// condition is `yes`. Fired `exclude` effects veto methods. Among fired `recommend` rules, the highest priority
/// one whose method is not excluded decides; every other fired recommendation is reported as a conflict with its
/// resolution (overridden by priority, or excluded). Rules reading `decision` run afterwards and may add findings,
/// warnings and tips. Then the chosen method's constraints are checked with figures and its next steps rendered.
public struct AdviceEngine: Sendable {
    /// The pseudo-fact holding the chosen method id, readable by after-decision rules.
    public static let decisionFact = "decision"

    /// The policies, evaluated in order.
    public let policies: [AdvicePolicy]

    /// Creates an engine over `policies`.
    public init(policies: [AdvicePolicy]) {
        self.policies = policies
    }

    /// Decides on `facts`.
    public func advise(_ facts: AdviceFacts) -> AdviceReport {
        let resolved = facts.resolved
        let domains = policies.map { decide($0, resolved) }
        let decided = domains.filter { $0.recommendation != nil }
        let blocked = domains.contains { d in d.constraints.contains { $0.status == "fail" && $0.severity == "block" } }
        let status = decided.isEmpty ? "undecided" : (blocked ? "blocked" : "ok")
        let derivedNames = Set(AdviceFactCatalog.derivedFacts.map(\.name))
        let factList = resolved.keys.sorted().map { name in
            AdviceReport.Fact(
                name: name, value: resolved[name]!, display: AdviceCondition.show(name, resolved[name]!),
                origin: derivedNames.contains(name) ? "derived" : (facts.origins[name] ?? "flag"))
        }
        return AdviceReport(
            schemaVersion: AdviceReport.currentSchemaVersion, status: status,
            policies: policies.map { .init(file: $0.file, domain: $0.domain, version: $0.version) },
            facts: factList, domains: domains)
    }

    // MARK: - One domain

    private func decide(_ policy: AdvicePolicy, _ facts: [String: AdviceValue]) -> AdviceReport.Domain {
        var domain = AdviceReport.Domain(
            domain: policy.domain, title: policy.title, applicable: true, recommendation: nil, undecidedReason: nil,
            because: [], conflicts: [], excluded: [], findings: [], constraints: [], properties: [], nextSteps: [],
            warnings: [], tips: [], trail: [])
        if let applies = policy.appliesWhen {
            let r = applies.evaluate(facts)
            if r.truth != .yes {
                domain.applicable = false
                domain.undecidedReason = "does not apply: \(r.why)"
                return domain
            }
        }
        let ordered = policy.rules.enumerated()
            .sorted { ($0.element.priority, -$0.offset) > ($1.element.priority, -$1.offset) }
            .map(\.element)

        // Phase 1: decide.
        var fired: [AdviceRule] = []
        var unknownFacts: [String] = []
        for rule in ordered where !rule.afterDecision {
            let r = rule.when.evaluate(facts)
            domain.trail.append(entry(rule, r, phase: "decide"))
            if r.truth == .yes { fired.append(rule) }
            if r.truth == .unknown, rule.recommend != nil {
                unknownFacts += rule.when.facts.filter { facts[$0] == nil && !unknownFacts.contains($0) }
            }
        }
        for rule in fired {
            for m in rule.exclude where !domain.excluded.contains(where: { $0.method == m }) {
                domain.excluded.append(.init(method: m, rule: rule.id, because: render(rule.because, facts)))
            }
        }
        let excluded = Set(domain.excluded.map(\.method))
        let recommenders = fired.filter { $0.recommend != nil }
        let winner = recommenders.first { !excluded.contains($0.recommend!) }
        if let winner, let method = policy.method(winner.recommend!) {
            domain.recommendation = .init(
                method: method.id, title: method.title, summary: render(method.summary, facts), decidedBy: winner.id,
                priority: winner.priority)
            for rule in recommenders {
                if rule.recommend == method.id {
                    domain.because.append(.init(rule: rule.id, text: render(rule.because, facts)))
                } else if excluded.contains(rule.recommend!) {
                    let ex = domain.excluded.first { $0.method == rule.recommend! }!
                    domain.conflicts.append(
                        .init(
                            rule: rule.id, method: rule.recommend!,
                            resolution: "\(rule.recommend!) is excluded by rule \(ex.rule): \(ex.because)"))
                } else {
                    domain.conflicts.append(
                        .init(
                            rule: rule.id, method: rule.recommend!,
                            resolution:
                                "overridden by rule \(winner.id) (priority \(winner.priority) > \(rule.priority)): \(render(winner.because, facts))"
                        ))
                }
            }
        } else if !recommenders.isEmpty {
            domain.undecidedReason =
                "every recommended method is excluded: "
                + domain.excluded.map { "\($0.method) by \($0.rule)" }.joined(separator: ", ")
            for rule in recommenders {
                domain.conflicts.append(
                    .init(
                        rule: rule.id, method: rule.recommend!, resolution: "\(rule.recommend!) is excluded"))
            }
        } else {
            domain.undecidedReason =
                unknownFacts.isEmpty
                ? "no rule recommends a method for these facts"
                : "no rule recommends a method for these facts; unknown facts that would decide: "
                    + unknownFacts.joined(separator: ", ")
        }

        // Phase 2: after the decision.
        var withDecision = facts
        if let m = domain.recommendation?.method { withDecision[Self.decisionFact] = .text(m) }
        for rule in ordered where rule.afterDecision {
            let r = rule.when.evaluate(withDecision)
            domain.trail.append(entry(rule, r, phase: "after-decision"))
            if r.truth == .yes { fired.append(rule) }
        }

        for rule in fired {
            for f in rule.findings {
                domain.findings.append(.init(name: f.name, value: render(f.value, facts), rule: rule.id))
            }
        }

        // The chosen method: constraints, comparison rows, next steps, warnings.
        if let id = domain.recommendation?.method, let method = policy.method(id) {
            domain.constraints = method.constraints.map { check($0, facts) }
            domain.properties = method.properties
            for step in method.steps where step.when.map({ $0.evaluate(withDecision).truth == .yes }) ?? true {
                domain.nextSteps.append(.init(kind: step.kind.rawValue, text: render(step.text, facts)))
            }
            for w in method.warnings where w.when.map({ $0.evaluate(withDecision).truth == .yes }) ?? true {
                domain.warnings.append(.init(text: render(w.text, facts), from: "method:\(method.id)"))
            }
            for c in domain.constraints where c.status == "fail" {
                domain.warnings.append(
                    .init(
                        text: "\(c.label): \(c.actual), needs \(c.required)"
                            + (c.severity == "block" ? " — this blocks the plan" : ""),
                        from: "constraint:\(c.id)"))
            }
        }
        for rule in fired {
            domain.warnings += rule.warnings.map { .init(text: render($0, facts), from: "rule:\(rule.id)") }
            domain.tips += rule.tips.map { .init(text: render($0, facts), from: "rule:\(rule.id)") }
        }
        return domain
    }

    private func entry(_ rule: AdviceRule, _ r: (truth: AdviceTruth, why: String), phase: String)
        -> AdviceReport.TrailEntry
    {
        var effects: [String] = []
        if let m = rule.recommend { effects.append("recommend \(m)") }
        if !rule.exclude.isEmpty { effects.append("exclude " + rule.exclude.joined(separator: ", ")) }
        if !rule.findings.isEmpty {
            effects.append("findings " + rule.findings.map { "\($0.name)=\($0.value)" }.joined(separator: ", "))
        }
        if !rule.warnings.isEmpty { effects.append("warn") }
        if !rule.tips.isEmpty { effects.append("tips") }
        return .init(
            rule: rule.id, priority: rule.priority, line: rule.line, phase: phase, outcome: r.truth,
            fired: r.truth == .yes, why: r.why, effect: effects.joined(separator: "; "))
    }

    private func check(_ c: AdviceConstraint, _ facts: [String: AdviceValue]) -> AdviceReport.ConstraintCheck {
        let r = AdviceCondition.compare(fact: c.fact, op: c.op, operand: c.operand).evaluate(facts)
        let status: String
        switch r.truth {
        case .yes: status = "pass"
        case .no: status = "fail"
        case .unknown: status = "unknown"
        }
        var required = c.requirement
        if case .fact(let other) = c.operand, let v = facts[other] {
            required = "\(c.op.symbol) \(other) (\(AdviceCondition.show(other, v)))"
        }
        return .init(
            id: c.id, label: c.label, status: status, severity: c.severity.rawValue, required: required,
            actual: facts[c.fact].map { AdviceCondition.show(c.fact, $0) } ?? "unknown", fact: c.fact,
            figures: c.figures.map { name in
                .init(fact: name, value: facts[name].map { AdviceCondition.show(name, $0) } ?? "unknown")
            })
    }

    private func render(_ text: String, _ facts: [String: AdviceValue]) -> String {
        AdviceTemplate.render(text, facts: facts)
    }
}
