import QSnapCore
import Testing

@testable import QSnapAdvice

/// Invalid rule files are refused with the file, the line and the reason.
@Suite struct AdvicePolicyLoaderTests {
    static let valid = """
        version: 1
        domain: demo
        title: Demo
        methods:
          - id: alpha
            title: Alpha
            constraints:
              - {id: disk, label: Disk, fact: disk_headroom, gte: 2}
            steps:
              - run: "qsnap backup --qdrant {from_url}"
          - id: beta
            title: Beta
        rules:
          - id: pick-alpha
            priority: 10
            when: {fact: source, equals: qdrant}
            because: "Qdrant"
            recommend: alpha
          - id: pick-beta
            priority: 5
            when:
              all:
                - {fact: source_shards, gte: 2}
                - not: {fact: target_version, lt: "1.18"}
            because: "shards"
            recommend: beta
        """

    /// `valid` with `old` replaced by `new`; the expected line is where `marker` is in the result.
    static func mutate(_ old: String, _ new: String) -> String {
        precondition(valid.contains(old), old)
        return valid.replacingOccurrences(of: old, with: new)
    }

    static func line(of marker: String, in text: String) -> Int {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        return (lines.firstIndex { $0.contains(marker) } ?? -1) + 1
    }

    @Test func validFileLoads() throws {
        let p = try AdvicePolicyLoader.parse(Self.valid, file: "demo.yaml")
        #expect(p.domain == "demo")
        #expect(p.methods.map(\.id) == ["alpha", "beta"])
        #expect(p.rules.map(\.id) == ["pick-alpha", "pick-beta"])
        #expect(p.rules[0].line == 14)
        #expect(p.methods[0].constraints[0].requirement == "≥ 2.00×")
        if case .all(let parts) = p.rules[1].when {
            #expect(parts.count == 2)
            #expect(
                parts[1]
                    == .not(
                        .compare(
                            fact: "target_version", op: .lt,
                            operand: .value(.version(QdrantVersion(major: 1, minor: 18, patch: 0))))))
        } else {
            Issue.record("expected all")
        }
    }

    /// (what is wrong, text, marker on the expected line, reason fragment)
    static let mistakes: [(String, String, String, String)] = [
        ("YAML syntax", mutate("title: Demo", "title: [Demo"), "methods:", "YAML syntax error"),
        (
            "YAML syntax: bad indentation", mutate("    priority: 5", "  priority: 5\n     oops"), "priority: 5",
            "YAML syntax error"
        ),
        (
            "unknown fact", mutate("{fact: source, equals: qdrant}", "{fact: sorce, equals: qdrant}"), "sorce",
            "unknown fact 'sorce'"
        ),
        (
            "unknown fact in a template", mutate("--qdrant {from_url}", "--qdrant {from_ur}"), "from_ur",
            "unknown fact '{from_ur}'"
        ),
        (
            "unknown fact in figures", mutate("gte: 2}", "gte: 2, figures: [free_dsk]}"), "free_dsk",
            "unknown fact 'free_dsk' in figures"
        ),
        (
            "unknown operator", mutate("{fact: source_shards, gte: 2}", "{fact: source_shards, greater: 2}"), "greater",
            "unknown operator 'greater' for fact 'source_shards'"
        ),
        ("unknown condition", mutate("      all:", "      every:"), "every:", "unknown condition 'every'"),
        (
            "operator not for the type", mutate("{fact: source, equals: qdrant}", "{fact: source, gt: qdrant}"),
            "gt: qdrant", "needs an ordered fact"
        ),
        (
            "value of the wrong type", mutate("{fact: source_shards, gte: 2}", "{fact: source_shards, gte: many}"),
            "many", "'many' is not a valid value for 'source_shards'"
        ),
        (
            "unknown choice", mutate("equals: qdrant}", "equals: pinekone}"), "pinekone",
            "'pinekone' is not a valid value for 'source'"
        ),
        (
            "two operators",
            mutate("{fact: source, equals: qdrant}", "{fact: source, equals: qdrant, not_equals: chroma}"),
            "not_equals", "several operators"
        ),
        (
            "in without a list", mutate("{fact: source, equals: qdrant}", "{fact: source, in: qdrant}"), "in: qdrant",
            "needs a list"
        ),
        (
            "missing because", mutate("    because: \"Qdrant\"\n", ""), "- id: pick-alpha",
            "missing the required field 'because'"
        ),
        (
            "missing priority", mutate("    priority: 10\n", ""), "- id: pick-alpha",
            "missing the required field 'priority'"
        ),
        ("missing method title", mutate("    title: Beta\n", ""), "- id: beta", "missing the required field 'title'"),
        ("missing version", mutate("version: 1\n", ""), "domain: demo", "missing the required field 'version'"),
        ("unsupported version", mutate("version: 1", "version: 2"), "version: 2", "unsupported policy version 2"),
        ("unknown key", mutate("    priority: 10", "    prio: 10"), "prio:", "unknown key 'prio' in a rule"),
        (
            "duplicate key", mutate("    priority: 10", "    priority: 10\n    priority: 11"), "priority: 11",
            "duplicate key 'priority'"
        ),
        ("undeclared method", mutate("recommend: alpha", "recommend: gamma"), "gamma", "undeclared method 'gamma'"),
        (
            "same priority", mutate("priority: 5", "priority: 10"), "- id: pick-beta",
            "rules that recommend must have distinct priorities"
        ),
        (
            "duplicate rule id", mutate("- id: pick-beta", "- id: pick-alpha  # again"), "# again",
            "duplicate rule id 'pick-alpha'"
        ),
        (
            "decision rule recommending", mutate("{fact: source, equals: qdrant}", "{fact: decision, equals: beta}"),
            "decision", "may not recommend or exclude"
        ),
        ("rule without effect", mutate("\n    recommend: beta", ""), "- id: pick-beta", "has no effect"),
        ("priority not a number", mutate("priority: 5", "priority: high"), "high", "priority must be a whole number"),
        ("bad severity", mutate("gte: 2}", "gte: 2, severity: maybe}"), "maybe", "severity must be block or warn"),
    ]

    @Test(arguments: mistakes.indices)
    func refused(_ index: Int) {
        let (what, text, marker, reason) = Self.mistakes[index]
        let expectedLine = Self.line(of: marker, in: text)
        do {
            _ = try AdvicePolicyLoader.parse(text, file: "policies/advice/demo.yaml")
            Issue.record("\(what): accepted")
        } catch let error as QSnapError {
            #expect(error.code == .advicePolicy, "\(what)")
            #expect(error.code.category == .usage)
            #expect(error.message.hasPrefix("policies/advice/demo.yaml:\(expectedLine): "), "\(what): \(error.message)")
            #expect(error.message.contains(reason), "\(what): \(error.message)")
        } catch {
            Issue.record("\(what): unexpected \(error)")
        }
    }

    @Test func emptyFileRefused() {
        #expect(throws: QSnapError.self) { try AdvicePolicyLoader.parse("", file: "e.yaml") }
    }

    @Test func duplicateDomainAcrossFilesRefused() throws {
        do {
            _ = try AdvicePolicyLoader.parse(files: [("a.yaml", Self.valid), ("b.yaml", Self.valid)])
            Issue.record("accepted")
        } catch let error as QSnapError {
            #expect(error.message.hasPrefix("b.yaml:1: domain 'demo' is already defined in a.yaml"))
        }
    }
}
