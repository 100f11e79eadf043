import QSnapCore
import Testing

@testable import QSnapAdvice

/// The condition language: comparisons, fact references and three-valued logic over unknown facts.
@Suite struct AdviceConditionTests {
    static let facts: [String: AdviceValue] = [
        "source": .text("qdrant"), "source_shards": .number(3), "target_shards": .number(6),
        "source_version": .version(QdrantVersion("1.18.2")!), "target_version": .version(QdrantVersion("1.19.0")!),
        "named_vectors": .bool(true),
    ]

    static func cmp(_ fact: String, _ op: AdviceOperator, _ v: AdviceValue) -> AdviceCondition {
        .compare(fact: fact, op: op, operand: .value(v))
    }

    @Test(arguments: [
        (cmp("source", .equals, .text("qdrant")), AdviceTruth.yes),
        (cmp("source", .notEquals, .text("qdrant")), .no),
        (AdviceCondition.compare(fact: "source", op: .in, operand: .values([.text("chroma"), .text("qdrant")])), .yes),
        (AdviceCondition.compare(fact: "source", op: .notIn, operand: .values([.text("chroma")])), .yes),
        (cmp("source_shards", .gt, .number(3)), .no),
        (cmp("source_shards", .gte, .number(3)), .yes),
        (cmp("source_shards", .lt, .number(4)), .yes),
        (cmp("source_shards", .lte, .number(2)), .no),
        (cmp("target_version", .gte, .version(QdrantVersion("1.18")!)), .yes),
        (cmp("source_version", .lt, .version(QdrantVersion("1.18.10")!)), .yes),
        (AdviceCondition.compare(fact: "target_shards", op: .gt, operand: .fact("source_shards")), .yes),
        (AdviceCondition.compare(fact: "target_version", op: .lt, operand: .fact("source_version")), .no),
        (cmp("data_size", .gt, .number(1)), .unknown),
        (AdviceCondition.not(cmp("data_size", .gt, .number(1))), .unknown),
        (AdviceCondition.all([cmp("source", .equals, .text("qdrant")), cmp("data_size", .gt, .number(1))]), .unknown),
        (AdviceCondition.all([cmp("source", .equals, .text("chroma")), cmp("data_size", .gt, .number(1))]), .no),
        (AdviceCondition.any([cmp("source", .equals, .text("qdrant")), cmp("data_size", .gt, .number(1))]), .yes),
        (AdviceCondition.any([cmp("source", .equals, .text("chroma")), cmp("data_size", .gt, .number(1))]), .unknown),
        (
            AdviceCondition.any([cmp("source", .equals, .text("chroma")), cmp("named_vectors", .equals, .bool(false))]),
            .no
        ),
        (AdviceCondition.known(fact: "data_size", false), .yes),
        (AdviceCondition.known(fact: "source", true), .yes),
        (AdviceCondition.compare(fact: "source_shards", op: .equals, operand: .fact("free_disk")), .unknown),
    ])
    func evaluates(_ condition: AdviceCondition, _ expected: AdviceTruth) {
        #expect(condition.evaluate(Self.facts).truth == expected)
    }

    @Test func explanationsNameFactsAndValues() {
        let r = Self.cmp("source_shards", .equals, .number(6)).evaluate(Self.facts)
        #expect(r.why == "source_shards is 3 (= 6: no)")
        let u = Self.cmp("free_disk", .gte, .number(1)).evaluate(Self.facts)
        #expect(u.why == "free_disk is unknown")
        let bytes = Self.cmp("free_disk", .gte, .number(1024 * 1024 * 1024)).evaluate([
            "free_disk": .number(3 * 1024 * 1024 * 1024)
        ])
        #expect(bytes.why == "free_disk is 3.00 GiB (≥ 1.00 GiB: yes)")
    }

    @Test(arguments: [
        (AdviceFactType.bytes, "25MB", AdviceValue.number(25_000_000)),
        (.bytes, "25MiB", .number(26_214_400)),
        (.bytes, "1.5 GiB", .number(1_610_612_736)),
        (.bytes, "4096", .number(4096)),
        (.ratio, "2x", .number(2)),
        (.ratio, "1.5×", .number(1.5)),
        (.version, "v1.18", .version(QdrantVersion(major: 1, minor: 18, patch: 0))),
        (.bool, "yes", .bool(true)),
        (.integer, "12", .number(12)),
        (.choice(["a", "b"]), "b", .text("b")),
    ])
    func literalsParse(_ type: AdviceFactType, _ text: String, _ expected: AdviceValue) {
        #expect(type.parse(text) == expected)
    }

    @Test(arguments: [
        (AdviceFactType.bytes, "25XB"), (.bytes, "lots"), (.ratio, "-1"), (.version, "one"), (.bool, "maybe"),
        (.integer, "1.5"), (.choice(["a"]), "c"), (.text, ""),
    ])
    func badLiteralsRefused(_ type: AdviceFactType, _ text: String) {
        #expect(type.parse(text) == nil)
    }

    @Test func factsValidateNamesAndTypes() throws {
        var facts = AdviceFacts()
        try facts.set("source", parsing: "weaviate")
        #expect(throws: QSnapError.self) { try facts.set("source", parsing: "weaviat") }
        #expect(throws: QSnapError.self) { try facts.set("nonsense", parsing: "1") }
        #expect(throws: QSnapError.self) { try facts.set("disk_headroom", .number(2)) }
        try facts.set("free_disk", parsing: "300GiB")
        try facts.set("data_size", parsing: "100GiB")
        try facts.set("source_version", parsing: "1.17.4")
        try facts.set("target_version", parsing: "1.19.0")
        let r = facts.resolved
        #expect(r["disk_headroom"] == .number(3))
        #expect(r["version_minor_gap"] == .number(2))
        #expect(r["version_exact"] == .bool(false))
        #expect(r["qdrant_version"] == .version(QdrantVersion("1.19.0")!))
        #expect(r["shard_count_changes"] == nil, "unknown inputs leave a derived fact unknown")
        try facts.setIfAbsent("source", .text("qdrant"), origin: "live")
        #expect(facts["source"] == .text("weaviate"), "given facts win over live ones")
    }

    @Test func templatesFillFactsAndMarkUnknowns() {
        let text = AdviceTemplate.render(
            "qsnap backup --qdrant {from_url} --to {repo} -d '{\"exact\": true}' {free_disk}",
            facts: ["from_url": .text("http://a:6333"), "free_disk": .number(1024)])
        #expect(text == "qsnap backup --qdrant http://a:6333 --to <repo> -d '{\"exact\": true}' 1.00 KiB")
    }
}
