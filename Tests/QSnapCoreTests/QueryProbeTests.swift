import Testing

@testable import QSnapCore

@Suite struct QueryProbeTests {
    @Test func unnamedDenseAndMulti() throws {
        let dense = QueryProbe.queries(for: .array([.number(0.5), .integer(1)]))
        #expect(dense.map(\.label) == ["dense"])
        #expect(dense[0].body["using"] == nil)
        let multi = QueryProbe.queries(for: .array([.array([.number(0.1)]), .array([.number(0.2)])]))
        #expect(multi.map(\.label) == ["multi"])
    }

    @Test func namedVectorsOfEveryKind() throws {
        let vector = try JSONValue.parse(
            Array(
                #"""
                {"dense": [0.1, 0.2], "multi": [[0.1, 0.2], [0.3, 0.4]],
                 "text": {"indices": [1, 7], "values": [0.5, 1.0]}, "empty": [], "broken": {"indices": [1]}}
                """#.utf8))
        let queries = QueryProbe.queries(for: vector)
        #expect(queries.map(\.label) == ["dense(dense)", "multi(multi)", "sparse(text)"])
        #expect(queries[2].body["using"] == .string("text"))
        #expect(queries[2].body["query"]?["indices"] == .array([.integer(1), .integer(7)]))
    }

    @Test func nothingToQueryWith() {
        #expect(QueryProbe.queries(for: .null).isEmpty)
        #expect(QueryProbe.queries(for: .object([:])).isEmpty)
    }
}
