import Foundation
import QSnapCore
import Testing

@testable import QSnapAdvice

/// `qsnap advise --json` has a stable, documented schema: a golden document on a fixed input.
@Suite struct AdviceReportJSONTests {
    static let policy = """
        version: 1
        domain: demo
        title: Demo domain
        applies_when: {fact: source, known: true}
        methods:
          - id: copy
            title: Copy it
            summary: Copy {collection}.
            properties:
              speed: fast
            constraints:
              - {id: disk, label: Disk headroom, fact: disk_headroom, gte: 2, figures: [free_disk, data_size]}
            steps:
              - run: "qsnap backup --qdrant {from_url} --collection {collection}"
              - do: "Check {collection}"
                when: {fact: source_shards, gt: 1}
            warnings:
              - "Copies are big"
          - id: stream
            title: Stream it
        rules:
          - id: prefer-copy
            priority: 20
            when: {fact: source, equals: qdrant}
            because: "{source} to Qdrant"
            recommend: copy
          - id: streaming
            priority: 10
            when: {fact: source_shards, gte: 1}
            because: "shards"
            recommend: stream
          - id: no-stream-offline
            priority: 5
            when: {fact: source_goes_offline, equals: true}
            because: "offline"
            exclude: [stream]
          - id: note
            priority: 1
            when: {fact: decision, equals: copy}
            because: "chosen"
            warn: "Mind {collection}"
            tips: "Go"
            findings: {effort: low}
        """

    static let golden = #"""
        {
          "domains" : [
            {
              "applicable" : true,
              "because" : [
                {
                  "rule" : "prefer-copy",
                  "text" : "qdrant to Qdrant"
                }
              ],
              "conflicts" : [
                {
                  "method" : "stream",
                  "resolution" : "stream is excluded by rule no-stream-offline: offline",
                  "rule" : "streaming"
                }
              ],
              "constraints" : [
                {
                  "actual" : "1.50×",
                  "fact" : "disk_headroom",
                  "figures" : [
                    {
                      "fact" : "free_disk",
                      "value" : "150.00 GiB"
                    },
                    {
                      "fact" : "data_size",
                      "value" : "100.00 GiB"
                    }
                  ],
                  "id" : "disk",
                  "label" : "Disk headroom",
                  "required" : "≥ 2.00×",
                  "severity" : "block",
                  "status" : "fail"
                }
              ],
              "domain" : "demo",
              "excluded" : [
                {
                  "because" : "offline",
                  "method" : "stream",
                  "rule" : "no-stream-offline"
                }
              ],
              "findings" : [
                {
                  "name" : "effort",
                  "rule" : "note",
                  "value" : "low"
                }
              ],
              "nextSteps" : [
                {
                  "kind" : "command",
                  "text" : "qsnap backup --qdrant http://a:6333 --collection docs"
                },
                {
                  "kind" : "manual",
                  "text" : "Check docs"
                }
              ],
              "properties" : [
                {
                  "name" : "speed",
                  "value" : "fast"
                }
              ],
              "recommendation" : {
                "decidedBy" : "prefer-copy",
                "method" : "copy",
                "priority" : 20,
                "summary" : "Copy docs.",
                "title" : "Copy it"
              },
              "tips" : [
                {
                  "from" : "rule:note",
                  "text" : "Go"
                }
              ],
              "title" : "Demo domain",
              "trail" : [
                {
                  "effect" : "recommend copy",
                  "fired" : true,
                  "line" : 22,
                  "outcome" : "yes",
                  "phase" : "decide",
                  "priority" : 20,
                  "rule" : "prefer-copy",
                  "why" : "source is qdrant (= qdrant: yes)"
                },
                {
                  "effect" : "recommend stream",
                  "fired" : true,
                  "line" : 27,
                  "outcome" : "yes",
                  "phase" : "decide",
                  "priority" : 10,
                  "rule" : "streaming",
                  "why" : "source_shards is 2 (≥ 1: yes)"
                },
                {
                  "effect" : "exclude stream",
                  "fired" : true,
                  "line" : 32,
                  "outcome" : "yes",
                  "phase" : "decide",
                  "priority" : 5,
                  "rule" : "no-stream-offline",
                  "why" : "source_goes_offline is true (= true: yes)"
                },
                {
                  "effect" : "findings effort=low; warn; tips",
                  "fired" : true,
                  "line" : 37,
                  "outcome" : "yes",
                  "phase" : "after-decision",
                  "priority" : 1,
                  "rule" : "note",
                  "why" : "decision is copy (= copy: yes)"
                }
              ],
              "warnings" : [
                {
                  "from" : "method:copy",
                  "text" : "Copies are big"
                },
                {
                  "from" : "constraint:disk",
                  "text" : "Disk headroom: 1.50×, needs ≥ 2.00× — this blocks the plan"
                },
                {
                  "from" : "rule:note",
                  "text" : "Mind docs"
                }
              ]
            }
          ],
          "facts" : [
            {
              "display" : "docs",
              "name" : "collection",
              "origin" : "flag",
              "value" : "docs"
            },
            {
              "display" : "100.00 GiB",
              "name" : "data_size",
              "origin" : "flag",
              "value" : 107374182400
            },
            {
              "display" : "1.50×",
              "name" : "disk_headroom",
              "origin" : "derived",
              "value" : 1.5
            },
            {
              "display" : "150.00 GiB",
              "name" : "free_disk",
              "origin" : "flag",
              "value" : 161061273600
            },
            {
              "display" : "http://a:6333",
              "name" : "from_url",
              "origin" : "flag",
              "value" : "http://a:6333"
            },
            {
              "display" : "1.19.0",
              "name" : "qdrant_version",
              "origin" : "derived",
              "value" : "1.19.0"
            },
            {
              "display" : "qdrant",
              "name" : "source",
              "origin" : "flag",
              "value" : "qdrant"
            },
            {
              "display" : "true",
              "name" : "source_goes_offline",
              "origin" : "flag",
              "value" : true
            },
            {
              "display" : "2",
              "name" : "source_shards",
              "origin" : "flag",
              "value" : 2
            },
            {
              "display" : "1.19.0",
              "name" : "source_version",
              "origin" : "live http://a:6333",
              "value" : "1.19.0"
            }
          ],
          "policies" : [
            {
              "domain" : "demo",
              "file" : "demo.yaml",
              "version" : 1
            }
          ],
          "schemaVersion" : 1,
          "status" : "blocked"
        }
        """#

    static func report() throws -> AdviceReport {
        let policy = try AdvicePolicyLoader.parse(Self.policy, file: "demo.yaml")
        var facts = AdviceFacts()
        try facts.set("source", parsing: "qdrant")
        try facts.set("source_shards", parsing: "2")
        try facts.set("source_goes_offline", .bool(true))
        try facts.set("data_size", parsing: "100GiB")
        try facts.set("free_disk", parsing: "150GiB")
        try facts.set("collection", parsing: "docs")
        try facts.set("from_url", parsing: "http://a:6333")
        try facts.set("source_version", parsing: "1.19.0", origin: "live http://a:6333")
        return AdviceEngine(policies: [policy]).advise(facts)
    }

    static func encode(_ report: AdviceReport) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(report), as: UTF8.self)
    }

    @Test func goldenDocument() throws {
        let text = try Self.encode(try Self.report())
        #expect(
            text == Self.golden,
            "JSON schema changed; if on purpose, bump AdviceReport.currentSchemaVersion and the docs:\n\(text)")
    }

    @Test func roundTrips() throws {
        let report = try Self.report()
        let data = Data(try Self.encode(report).utf8)
        #expect(try JSONDecoder().decode(AdviceReport.self, from: data) == report)
    }

    @Test func undecidedDomainHasNullRecommendationAndReason() throws {
        let policy = try AdvicePolicyLoader.parse(Self.policy, file: "demo.yaml")
        var facts = AdviceFacts()
        try facts.set("source", parsing: "chroma")
        let report = AdviceEngine(policies: [policy]).advise(facts)
        #expect(report.status == "undecided")
        let d = report.domains[0]
        #expect(d.recommendation == nil)
        #expect(
            d.undecidedReason
                == "no rule recommends a method for these facts; unknown facts that would decide: source_shards")
        let json = try Self.encode(report)
        #expect(!json.contains("\"recommendation\""), "a nil recommendation is omitted (documented as optional)")
    }
}
