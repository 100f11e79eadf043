import QSnapCore
import Testing

@testable import QSnapAdvice

/// The text output: recommendation, why, constraints table, next commands, warnings; `--explain` adds the trail.
@Suite struct AdviceTextRendererTests {
    @Test func textShowsTheSections() throws {
        let report = try AdviceReportJSONTests.report()
        let text = AdviceTextRenderer.render(report)
        #expect(text.hasPrefix("== Demo domain: Copy it\n   Copy docs.\n"))
        #expect(text.contains("Why:\n  - qdrant to Qdrant [prefer-copy]\n"))
        #expect(
            text.contains(
                "Conflicts resolved:\n  - streaming wanted stream: stream is excluded by rule no-stream-offline: offline\n"
            ))
        #expect(
            text.contains(
                "Constraints:\n  CHECK          REQUIRED  ACTUAL  STATUS  FIGURES\n  Disk headroom  ≥ 2.00×   1.50×   FAIL    free_disk 150.00 GiB, data_size 100.00 GiB\n"
            ))
        #expect(text.contains("Next:\n  $ qsnap backup --qdrant http://a:6333 --collection docs\n  - Check docs\n"))
        #expect(text.contains("Warnings:\n  ! Copies are big\n"))
        #expect(text.hasSuffix("Status: blocked\n"))
        #expect(!text.contains("Rule trail"))
    }

    @Test func explainPrintsEveryRule() throws {
        let text = AdviceTextRenderer.render(try AdviceReportJSONTests.report(), explain: true)
        #expect(text.contains("Rule trail (4 rules, by priority):"))
        #expect(
            text.contains(
                "  [FIRED] prefer-copy (priority 20, line 22, decide) → recommend copy\n          source is qdrant (= qdrant: yes)\n"
            ))
        #expect(
            text.contains("  [FIRED] note (priority 1, line 37, after-decision) → findings effort=low; warn; tips\n"))
    }

    @Test func explainShowsRulesThatDidNotFire() throws {
        var facts = AdviceFacts()
        try facts.set("source", parsing: "pinecone")
        let report = AdviceTestSupport.defaultEngine.advise(facts)
        let text = AdviceTextRenderer.render(report, explain: true)
        #expect(text.contains("[no] qdrant-between-environments"))
        #expect(text.contains("[unknown] shard-count-change"))
        #expect(text.contains("shard_count_changes is unknown"))
        #expect(text.contains("== Changing the embedding model: not applicable"))
        #expect(!AdviceTextRenderer.render(report).contains("Changing the embedding model"))
    }
}
