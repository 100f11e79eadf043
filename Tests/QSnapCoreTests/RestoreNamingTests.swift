import Testing

@testable import QSnapCore

@Suite struct RestoreNamingTests {
    let id = "20261121T101500Z-ab12cd"

    @Test func roundTrip() {
        let name = RestoreNaming.stagingName(base: "my-qsnap-docs", backupID: id)
        #expect(name == "my-qsnap-docs-qsnap-20261121T101500Z-ab12cd")
        #expect(RestoreNaming.parse(name)?.base == "my-qsnap-docs")
        #expect(RestoreNaming.parse(name)?.backupID == id)
    }

    @Test(arguments: [
        "docs", "docs-qsnap-", "-qsnap-20261121T101500Z-ab12cd", "docs-qsnap-previous",
        "docs-qsnap-20261121T101500Z-AB12CG", "docs-qsnap-20261121T101500Z-ab12cd/x",
    ])
    func foreignNames(_ name: String) {
        #expect(!RestoreNaming.isRestored(name))
    }

    @Test func staleStagingIsUnaliasedAndOfTheSameBase() {
        let current = "docs-qsnap-20261121T101500Z-ab12cd"
        let previous = "docs-qsnap-20261120T101500Z-000001"
        let killed = "docs-qsnap-20261122T101500Z-ffffff"
        let older = "docs-qsnap-20261119T101500Z-000002"
        let otherBase = "small-qsnap-20261122T101500Z-ffffff"
        let stale = RestoreNaming.staleStaging(
            base: "docs", collections: [current, previous, killed, older, otherBase, "docs"],
            aliases: ["docs": current, RestoreNaming.previousAlias("docs"): previous])
        #expect(stale == [older, killed])
        #expect(RestoreNaming.previousAlias("docs") == "docs-qsnap-previous")
    }
}
