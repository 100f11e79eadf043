import Testing

@testable import QSnapCore

@Suite struct QdrantVersionTests {
    @Test(arguments: [("1.19.0", "1.19.0"), ("v1.17", "1.17.0"), ("1.18.2-rc1", "1.18.2")])
    func parses(_ input: String, _ expected: String) {
        #expect(QdrantVersion(input)?.description == expected)
    }

    @Test(arguments: ["", "1", "1.x.0", "1.2.3.4", "-1.2.3"])
    func rejectsMalformed(_ input: String) {
        #expect(QdrantVersion(input) == nil)
    }

    @Test func orders() {
        #expect(QdrantVersion("1.9.9")! < QdrantVersion("1.10.0")!)
        #expect(QdrantVersion("1.17.1")! > QdrantVersion("1.17.0")!)
    }
}
