import Testing

@testable import QSnapCore

@Suite struct AliasGateTests {
    @Test func newAliasesAndQsnapCollectionsPass() {
        let r = AliasGate.evaluate(
            aliases: ["docs", "prod"], targetAliases: ["docs": "docs-qsnap-20261121T101500Z-ab12cd"])
        #expect(r.passed)
        #expect(r.figures == ["docs": "docs-qsnap-20261121T101500Z-ab12cd", "prod": "(new)"])
    }

    @Test func foreignCollectionFailsUntilForced() {
        let r = AliasGate.evaluate(aliases: ["docs"], targetAliases: ["docs": "docs-v1", "other": "x"])
        #expect(!r.passed && r.refuses)
        #expect(r.detail.contains("docs → docs-v1") && r.detail.contains("--take-over-alias"))
        #expect(!r.overridden(by: true).refuses)
    }

    @Test func lookalikeNamesAreForeign() {
        // not a valid backup id after the marker
        #expect(!AliasGate.evaluate(aliases: ["a"], targetAliases: ["a": "docs-qsnap-latest"]).passed)
    }
}
