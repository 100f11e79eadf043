import Foundation
import QSnapCore
import Testing

@testable import QSnapAdvice

/// One table row for the advice engine: facts in, what must come out.
struct AdviceCase: Sendable, CustomTestStringConvertible {
    var name: String
    var facts: [String: String]
    var domain: String
    var method: String?
    var fired: [String] = []
    var excluded: [String: String] = [:]  // method → excluding rule
    var conflicts: [String] = []  // losing rules
    var findings: [String: String] = [:]
    var constraints: [String: String] = [:]  // constraint id → pass|fail|unknown
    var warnings: [String] = []  // substrings
    var tips: [String] = []
    var steps: [String] = []
    var absentSteps: [String] = []
    var status: String? = nil

    var testDescription: String { name }
}

/// Shared helpers for the advice tests.
enum AdviceTestSupport {
    /// The repository root (tests live in Tests/QSnapAdviceTests/).
    static let repoRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static let defaultEngine: AdviceEngine = {
        let policies = try! AdvicePolicyLoader.parse(files: DefaultAdvicePolicies.files())
        return AdviceEngine(policies: policies)
    }()

    static func facts(_ given: [String: String]) throws -> AdviceFacts {
        var facts = AdviceFacts()
        for (name, text) in given.sorted(by: { $0.key < $1.key }) { try facts.set(name, parsing: text) }
        return facts
    }

    /// Runs `c` on the default policies and checks every expectation; returns the domain for further checks.
    @discardableResult
    static func check(_ c: AdviceCase) throws -> AdviceReport.Domain {
        let report = defaultEngine.advise(try facts(c.facts))
        let domain = try #require(report.domains.first { $0.domain == c.domain }, "domain \(c.domain)")
        #expect(domain.applicable, "\(c.name): domain applies")
        #expect(domain.recommendation?.method == c.method, "\(c.name): \(domain.undecidedReason ?? "")")
        let fired = Set(domain.trail.filter(\.fired).map(\.rule))
        for rule in c.fired { #expect(fired.contains(rule), "\(c.name): rule \(rule) fires; fired: \(fired.sorted())") }
        for (method, rule) in c.excluded {
            #expect(
                domain.excluded.contains { $0.method == method && $0.rule == rule },
                "\(c.name): \(method) excluded by \(rule); got \(domain.excluded.map { "\($0.method)/\($0.rule)" })")
        }
        for rule in c.conflicts {
            #expect(
                domain.conflicts.contains { $0.rule == rule },
                "\(c.name): conflict with \(rule) reported; got \(domain.conflicts)")
        }
        for (name, value) in c.findings {
            #expect(
                domain.findings.contains { $0.name == name && $0.value == value }, "\(c.name): finding \(name)=\(value)"
            )
        }
        for (id, status) in c.constraints {
            let got = domain.constraints.first { $0.id == id }
            #expect(got?.status == status, "\(c.name): constraint \(id) is \(status); got \(String(describing: got))")
        }
        for w in c.warnings {
            #expect(
                domain.warnings.contains { $0.text.contains(w) },
                "\(c.name): warning '\(w)'; got \(domain.warnings.map(\.text))")
        }
        for t in c.tips {
            #expect(
                domain.tips.contains { $0.text.contains(t) }, "\(c.name): tip '\(t)'; got \(domain.tips.map(\.text))")
        }
        for s in c.steps {
            #expect(
                domain.nextSteps.contains { $0.text.contains(s) },
                "\(c.name): step '\(s)'; got \(domain.nextSteps.map(\.text))")
        }
        for s in c.absentSteps {
            #expect(!domain.nextSteps.contains { $0.text.contains(s) }, "\(c.name): no step '\(s)'")
        }
        if let status = c.status { #expect(report.status == status, "\(c.name): status") }
        return domain
    }
}

@Suite struct AdviceTestSupportTests {
    @Test func defaultPoliciesLoad() throws {
        let policies = try AdvicePolicyLoader.parse(files: DefaultAdvicePolicies.files())
        #expect(Set(policies.map(\.domain)) == ["migration", "embedding"])
    }

    /// Every rule of the default policies fires in at least one row of the tables.
    @Test func everyRuleHasACase() throws {
        var fired: Set<String> = []
        for c in AdviceMigrationTests.cases + AdviceEmbeddingTests.cases {
            let report = AdviceTestSupport.defaultEngine.advise(try AdviceTestSupport.facts(c.facts))
            for d in report.domains { fired.formUnion(d.trail.filter(\.fired).map { "\(d.domain)/\($0.rule)" }) }
        }
        let all = AdviceTestSupport.defaultEngine.policies.flatMap { p in p.rules.map { "\(p.domain)/\($0.id)" } }
        let missing = all.filter { !fired.contains($0) }
        #expect(missing.isEmpty, "rules without a firing case: \(missing)")
    }
}
