import Testing

@testable import QSnapCore

@Suite struct PayloadIndexSchemaTests {
    static let recorded = try! JSONValue.parse(
        Array(
            #"""
            {"tag": {"data_type": "keyword", "points": 10},
             "n": {"data_type": "integer", "params": {"type": "integer", "lookup": true, "range": true}, "points": 10},
             "body": {"data_type": "text", "params": {"type": "text", "tokenizer": "word"}, "points": 3}}
            """#.utf8))

    @Test func createRequestsUseParamsOrTheTypeName() {
        let fields = PayloadIndexSchema(Self.recorded).fields
        #expect(fields.map(\.name) == ["body", "n", "tag"])
        #expect(fields[2].fieldSchema == .string("keyword"))
        #expect(fields[0].fieldSchema["tokenizer"] == .string("word"))
    }

    @Test func identicalSchemasHaveNoDifferences() {
        // point counts differ: not a difference
        var other = Self.recorded.objectValue!
        other["tag"] = .object(["data_type": .string("keyword"), "points": .integer(99)])
        other["extra"] = .object(["data_type": .string("uuid")])
        #expect(PayloadIndexSchema(Self.recorded).differences(from: PayloadIndexSchema(.object(other))).isEmpty)
    }

    @Test func missingWrongTypeAndWrongParamsAreReported() {
        var other = Self.recorded.objectValue!
        other["tag"] = nil
        other["n"] = .object(["data_type": .string("float")])
        other["body"] = .object([
            "data_type": .string("text"), "params": .object(["type": .string("text"), "tokenizer": .string("prefix")]),
        ])
        let differences = PayloadIndexSchema(Self.recorded).differences(from: PayloadIndexSchema(.object(other)))
        #expect(differences.count == 3)
        #expect(differences.contains { $0.contains("tag (keyword) is missing") })
        #expect(differences.contains { $0.contains("n is float, the backup had integer") })
        #expect(differences.contains { $0.contains("body has parameters") })
    }
}
