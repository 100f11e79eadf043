import QSnapCore
import Yams

/// Walks the YAML node tree of one rule file, with the line of every node at hand for error messages.
struct PolicyReader {
    let file: String

    typealias Fields = [String: (key: Node, value: Node)]

    // MARK: - Nodes

    func line(_ node: Node) -> Int { node.mark?.line ?? 1 }

    func fail(_ node: Node, _ reason: String) -> QSnapError {
        AdvicePolicyLoader.refusal(file, line(node), reason)
    }

    /// A mapping's fields; refuses a non-mapping, duplicate keys and keys outside `allowed`.
    func fields(_ node: Node, _ what: String, allowed: [String]) throws -> Fields {
        guard case .mapping(let mapping) = node else { throw fail(node, "\(what) must be a mapping") }
        var out: Fields = [:]
        for (k, v) in mapping {
            guard let key = k.scalar?.string else { throw fail(k, "keys of \(what) must be plain words") }
            guard allowed.contains(key) else {
                throw fail(k, "unknown key '\(key)' in \(what); allowed: \(allowed.joined(separator: ", "))")
            }
            guard out[key] == nil else { throw fail(k, "duplicate key '\(key)' in \(what)") }
            out[key] = (k, v)
        }
        return out
    }

    func required(_ f: Fields, _ key: String, in node: Node, _ what: String) throws -> Node {
        guard let v = f[key]?.value else { throw fail(node, "\(what) is missing the required field '\(key)'") }
        return v
    }

    func string(_ node: Node, _ what: String) throws -> String {
        guard case .scalar(let s) = node, !s.string.isEmpty else {
            throw fail(node, "\(what) must be a non-empty text")
        }
        return s.string
    }

    func integer(_ node: Node, _ what: String) throws -> Int {
        guard case .scalar(let s) = node, let n = Int(s.string) else {
            throw fail(node, "\(what) must be a whole number")
        }
        return n
    }

    func list(_ node: Node, _ what: String) throws -> [Node] {
        if case .sequence(let seq) = node { return Array(seq) }
        throw fail(node, "\(what) must be a list")
    }

    /// A text or a list of texts.
    func strings(_ node: Node, _ what: String) throws -> [String] {
        if case .scalar = node { return [try string(node, what)] }
        return try list(node, what).map { try string($0, what) }
    }

    func identifier(_ node: Node, _ what: String) throws -> String {
        let id = try string(node, what)
        let ok = id.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "-" || $0 == "_" } && id.first!.isLetter
        guard ok else { throw fail(node, "\(what) '\(id)' must be lower-case letters, digits and dashes") }
        return id
    }

    // MARK: - Policy

    func policy(_ root: Node) throws -> AdvicePolicy {
        let f = try fields(
            root, "the policy file", allowed: ["version", "domain", "title", "applies_when", "methods", "rules"])
        let versionNode = try required(f, "version", in: root, "the policy file")
        let version = try integer(versionNode, "version")
        guard version == AdvicePolicy.supportedVersion else {
            throw fail(
                versionNode,
                "unsupported policy version \(version); this qsnap reads version \(AdvicePolicy.supportedVersion)")
        }
        let domain = try identifier(try required(f, "domain", in: root, "the policy file"), "domain")
        let title = try f["title"].map { try string($0.value, "title") } ?? domain
        let applies = try f["applies_when"].map { try condition($0.value, decisionMethods: nil) }

        let methodsNode = try required(f, "methods", in: root, "the policy file")
        var methods: [AdviceMethod] = []
        for node in try list(methodsNode, "methods") {
            let m = try method(node)
            if methods.contains(where: { $0.id == m.id }) { throw fail(node, "duplicate method id '\(m.id)'") }
            methods.append(m)
        }
        let ids = methods.map(\.id)
        let rulesNode = try required(f, "rules", in: root, "the policy file")
        var rules: [AdviceRule] = []
        var recommendPriorities: [Int: String] = [:]
        for node in try list(rulesNode, "rules") {
            let r = try rule(node, methods: ids)
            if rules.contains(where: { $0.id == r.id }) { throw fail(node, "duplicate rule id '\(r.id)'") }
            if r.recommend != nil {
                if let other = recommendPriorities[r.priority] {
                    throw fail(
                        node,
                        "rule '\(r.id)' has priority \(r.priority) like rule '\(other)'; rules that recommend must have distinct priorities so conflicts resolve one way"
                    )
                }
                recommendPriorities[r.priority] = r.id
            }
            rules.append(r)
        }
        return AdvicePolicy(
            file: file, version: version, domain: domain, title: title, appliesWhen: applies, methods: methods,
            rules: rules)
    }

    // MARK: - Methods

    func method(_ node: Node) throws -> AdviceMethod {
        let f = try fields(
            node, "a method", allowed: ["id", "title", "summary", "properties", "constraints", "steps", "warnings"])
        let id = try identifier(try required(f, "id", in: node, "a method"), "method id")
        let title = try string(try required(f, "title", in: node, "method '\(id)'"), "title")
        let summary = try f["summary"].map { try string($0.value, "summary") } ?? ""
        var properties: [AdviceMethod.Property] = []
        if let p = f["properties"]?.value {
            guard case .mapping(let mapping) = p else {
                throw fail(p, "properties of method '\(id)' must be a mapping")
            }
            for (k, v) in mapping {
                properties.append(.init(name: try string(k, "property name"), value: try string(v, "property value")))
            }
        }
        let constraints = try f["constraints"].map { try list($0.value, "constraints").map(constraint) } ?? []
        let steps = try f["steps"].map { try list($0.value, "steps").map(step) } ?? []
        let warnings = try f["warnings"].map { try list($0.value, "warnings").map(warning) } ?? []
        return AdviceMethod(
            id: id, title: title, summary: summary, properties: properties, constraints: constraints, steps: steps,
            warnings: warnings, line: line(node))
    }

    func constraint(_ node: Node) throws -> AdviceConstraint {
        let ops = AdviceOperator.allCases.map(\.rawValue)
        let f = try fields(node, "a constraint", allowed: ["id", "label", "fact", "severity", "figures"] + ops)
        let id = try identifier(try required(f, "id", in: node, "a constraint"), "constraint id")
        let label = try string(try required(f, "label", in: node, "constraint '\(id)'"), "label")
        guard
            case .compare(let fact, let op, let operand) = try comparison(
                node, f, decisionMethods: nil, constraint: true)
        else {
            throw fail(node, "constraint '\(id)' must compare a fact")
        }
        var severity = AdviceConstraint.Severity.block
        if let s = f["severity"]?.value {
            guard let v = AdviceConstraint.Severity(rawValue: try string(s, "severity")) else {
                throw fail(s, "severity must be block or warn")
            }
            severity = v
        }
        let figures = try f["figures"].map { try strings($0.value, "figures") } ?? []
        for name in figures where AdviceFactCatalog.definition(name) == nil {
            throw fail(f["figures"]!.value, "unknown fact '\(name)' in figures")
        }
        return AdviceConstraint(
            id: id, label: label, fact: fact, op: op, operand: operand, severity: severity, figures: figures,
            line: line(node))
    }

    func step(_ node: Node) throws -> AdviceStep {
        let f = try fields(node, "a step", allowed: ["run", "do", "when"])
        let kind: AdviceStep.Kind
        let textNode: Node
        switch (f["run"], f["do"]) {
        case (let r?, nil): (kind, textNode) = (.command, r.value)
        case (nil, let d?): (kind, textNode) = (.manual, d.value)
        default: throw fail(node, "a step needs exactly one of 'run' (a command) or 'do' (a manual step)")
        }
        let text = try template(textNode, "step")
        let when = try f["when"].map { try condition($0.value, decisionMethods: nil) }
        return AdviceStep(kind: kind, text: text, when: when)
    }

    func warning(_ node: Node) throws -> AdviceStep {
        if case .scalar = node { return AdviceStep(kind: .manual, text: try template(node, "warning")) }
        let f = try fields(node, "a warning", allowed: ["text", "when"])
        let text = try template(try required(f, "text", in: node, "a warning"), "warning")
        let when = try f["when"].map { try condition($0.value, decisionMethods: nil) }
        return AdviceStep(kind: .manual, text: text, when: when)
    }

    /// A text whose `{fact}` placeholders all name known facts.
    func template(_ node: Node, _ what: String) throws -> String {
        let text = try string(node, what)
        for name in AdviceTemplate.placeholders(in: text) where AdviceFactCatalog.definition(name) == nil {
            throw fail(node, "unknown fact '{\(name)}' in \(what) text")
        }
        return text
    }

    /// A template text or a list of them.
    func templates(_ node: Node, _ what: String) throws -> [String] {
        if case .scalar = node { return [try template(node, what)] }
        return try list(node, what).map { try template($0, what) }
    }

    // MARK: - Rules

    func rule(_ node: Node, methods: [String]) throws -> AdviceRule {
        let f = try fields(
            node, "a rule",
            allowed: ["id", "priority", "when", "because", "recommend", "exclude", "findings", "warn", "tips"])
        let id = try identifier(try required(f, "id", in: node, "a rule"), "rule id")
        let what = "rule '\(id)'"
        let priority = try integer(try required(f, "priority", in: node, what), "priority")
        let whenNode = try required(f, "when", in: node, what)
        let when = try condition(whenNode, decisionMethods: methods)
        let because = try template(try required(f, "because", in: node, what), "because")
        var recommend: String?
        if let r = f["recommend"]?.value {
            let m = try string(r, "recommend")
            guard methods.contains(m) else {
                throw fail(
                    r, "\(what) recommends undeclared method '\(m)'; methods: \(methods.joined(separator: ", "))")
            }
            recommend = m
        }
        var exclude: [String] = []
        if let e = f["exclude"]?.value {
            exclude = try strings(e, "exclude")
            if let bad = exclude.first(where: { !methods.contains($0) }) {
                throw fail(
                    e, "\(what) excludes undeclared method '\(bad)'; methods: \(methods.joined(separator: ", "))")
            }
        }
        var findings: [AdviceFinding] = []
        if let fn = f["findings"]?.value {
            guard case .mapping(let mapping) = fn else { throw fail(fn, "findings must be a mapping of name: value") }
            for (k, v) in mapping {
                findings.append(.init(name: try string(k, "finding name"), value: try string(v, "finding value")))
            }
        }
        let warnTexts = try f["warn"].map { try templates($0.value, "warn") } ?? []
        let tips = try f["tips"].map { try templates($0.value, "tips") } ?? []
        let afterDecision = when.facts.contains(AdviceEngine.decisionFact)
        if afterDecision, recommend != nil || !exclude.isEmpty {
            throw fail(
                whenNode, "\(what) reads 'decision', so it runs after the decision and may not recommend or exclude")
        }
        guard recommend != nil || !exclude.isEmpty || !findings.isEmpty || !warnTexts.isEmpty || !tips.isEmpty else {
            throw fail(node, "\(what) has no effect: give recommend, exclude, findings, warn or tips")
        }
        return AdviceRule(
            id: id, priority: priority, when: when, because: because, recommend: recommend, exclude: exclude,
            findings: findings, warnings: warnTexts, tips: tips, afterDecision: afterDecision, line: line(node))
    }

    // MARK: - Conditions

    /// A condition; `decisionMethods` non-nil allows the `decision` pseudo-fact with those values.
    func condition(_ node: Node, decisionMethods: [String]?) throws -> AdviceCondition {
        guard case .mapping(let mapping) = node else {
            throw fail(node, "a condition must be a mapping: all, any, not, or fact with an operator")
        }
        let keys = mapping.keys.compactMap { $0.scalar?.string }
        if keys.contains("fact") {
            let ops = AdviceOperator.allCases.map(\.rawValue)
            let f = try fields(
                node, "a comparison", allowed: ["fact", "known"] + ops + unknownOperatorKeys(mapping, ops))
            return try comparison(node, f, decisionMethods: decisionMethods)
        }
        guard mapping.count == 1, let (k, v) = mapping.first.map({ ($0.key, $0.value) }), let key = k.scalar?.string
        else {
            throw fail(node, "a condition has exactly one of all, any, not — or a 'fact' with one operator")
        }
        switch key {
        case "all", "any":
            let parts = try list(v, key).map { try condition($0, decisionMethods: decisionMethods) }
            guard !parts.isEmpty else { throw fail(v, "'\(key)' needs at least one condition") }
            return key == "all" ? .all(parts) : .any(parts)
        case "not":
            return .not(try condition(v, decisionMethods: decisionMethods))
        default:
            throw fail(
                k,
                "unknown condition '\(key)'; use all, any, not, or fact with one of: "
                    + AdviceOperator.allCases.map(\.rawValue).joined(separator: ", ") + ", known")
        }
    }

    /// Keys next to `fact` that are not operators: let them through ``fields`` so that ``comparison`` can name
    /// them as unknown operators.
    private func unknownOperatorKeys(_ mapping: Node.Mapping, _ ops: [String]) -> [String] {
        mapping.keys.compactMap { $0.scalar?.string }.filter { $0 != "fact" && $0 != "known" && !ops.contains($0) }
    }

    func comparison(_ node: Node, _ f: Fields, decisionMethods: [String]?, constraint: Bool = false) throws
        -> AdviceCondition
    {
        let factNode = try required(f, "fact", in: node, "a comparison")
        let name = try string(factNode, "fact")
        let type: AdviceFactType
        if name == AdviceEngine.decisionFact, let methods = decisionMethods {
            type = .choice(methods)
        } else if let def = AdviceFactCatalog.definition(name) {
            type = def.type
        } else {
            throw fail(factNode, "unknown fact '\(name)'; see the fact list in policies/README.md")
        }
        let ops = AdviceOperator.allCases.map(\.rawValue)
        let structural = ["fact", "known"] + (constraint ? ["id", "label", "severity", "figures"] : [])
        if let (k, _) = f.first(where: { !structural.contains($0.key) && !ops.contains($0.key) })
            .map({ ($0.value.key, $0.value.value) })
        {
            throw fail(
                k,
                "unknown operator '\(k.scalar?.string ?? "?")' for fact '\(name)'; operators: \(ops.joined(separator: ", ")), known"
            )
        }
        let present = ops.filter { f[$0] != nil } + (f["known"] != nil ? ["known"] : [])
        guard present.count == 1, let opName = present.first else {
            throw fail(
                node,
                present.isEmpty
                    ? "fact '\(name)' has no operator; give one of: \(ops.joined(separator: ", ")), known"
                    : "fact '\(name)' has several operators (\(present.joined(separator: ", "))); give one, or combine with all"
            )
        }
        let valueNode = f[opName]!.value
        if opName == "known" {
            guard let b = AdviceFactType.bool.parse(try string(valueNode, "known")), case .bool(let want) = b else {
                throw fail(valueNode, "known must be true or false")
            }
            return .known(fact: name, want)
        }
        let op = AdviceOperator(rawValue: opName)!
        if op.isOrdering, !type.isOrdered {
            throw fail(f[opName]!.key, "operator '\(opName)' needs an ordered fact; '\(name)' is \(type)")
        }
        let operand = try self.operand(valueNode, op: op, fact: name, type: type)
        return .compare(fact: name, op: op, operand: operand)
    }

    func operand(_ node: Node, op: AdviceOperator, fact: String, type: AdviceFactType) throws -> AdviceOperand {
        if case .mapping = node {
            let f = try fields(node, "a fact reference", allowed: ["fact"])
            let refNode = try required(f, "fact", in: node, "a fact reference")
            let other = try string(refNode, "fact")
            guard let def = AdviceFactCatalog.definition(other) else { throw fail(refNode, "unknown fact '\(other)'") }
            guard def.type == type || (def.type.isOrdered && type.isOrdered && !op.takesList) else {
                throw fail(refNode, "cannot compare '\(fact)' (\(type)) with '\(other)' (\(def.type))")
            }
            return .fact(other)
        }
        if op.takesList {
            guard case .sequence = node else { throw fail(node, "operator '\(op.rawValue)' needs a list of values") }
            return .values(try list(node, op.rawValue).map { try literal($0, fact: fact, type: type) })
        }
        return .value(try literal(node, fact: fact, type: type))
    }

    func literal(_ node: Node, fact: String, type: AdviceFactType) throws -> AdviceValue {
        guard case .scalar(let s) = node else {
            throw fail(node, "the value compared with '\(fact)' must be a single value")
        }
        guard let v = type.parse(s.string) else {
            throw fail(node, "'\(s.string)' is not a valid value for '\(fact)', which is \(type)")
        }
        return v
    }
}
