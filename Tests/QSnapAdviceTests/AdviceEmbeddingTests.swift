import QSnapCore
import Testing

@testable import QSnapAdvice

/// Changing the embedding model: one row per rule, per row of the comparison, and the conflicts.
@Suite struct AdviceEmbeddingTests {
    static let speedTips = [
        "update_mode: insert", "with_vectors=false", "64–256 points over 2–4 parallel streams",
        "Disable indexing during the bulk load",
    ]

    static let cases: [AdviceCase] = [
        AdviceCase(
            name: "provider change on 1.18 with named vectors → add a field in place",
            facts: [
                "embedding_change": "provider", "target_version": "1.18.0", "named_vectors": "true",
                "collection": "docs", "to_url": "http://q:6333",
            ],
            domain: "embedding", method: "add-named-vector",
            fired: [
                "provider-or-architecture-change", "zero-downtime-named-vectors", "bulk-load-speed",
                "keep-old-until-verified", "update-query-model",
            ],
            findings: ["reembedding": "unavoidable"], constraints: ["qdrant-1-18": "pass", "named-vectors": "pass"],
            warnings: ["Keep the old collection or vector field", "embed queries with the new model"], tips: speedTips,
            steps: ["PUT 'http://q:6333/collections/docs/points/vectors", "Drop the old vector field"]),
        AdviceCase(
            name: "architecture change on 1.17 → new collection and alias",
            facts: [
                "embedding_change": "architecture", "target_version": "1.17.2", "named_vectors": "true",
                "collection": "docs", "alias": "docs-live", "to_url": "http://q:6333",
            ],
            domain: "embedding", method: "new-collection-alias",
            fired: [
                "provider-or-architecture-change", "zero-downtime-new-collection", "reembed-any-version",
                "alias-moves-no-payloads",
            ],
            findings: ["reembedding": "unavoidable"], warnings: ["alias switch moves no payloads"], tips: speedTips,
            steps: [
                "collections/docs_v2", "qsnap alias switch docs-live --to docs_v2 --qdrant http://q:6333",
                "\"indexing_threshold\": 0", "\"indexing_threshold\": 10000",
            ]),
        AdviceCase(
            name: "dimension change with unnamed vectors on 1.19 → new collection",
            facts: ["embedding_change": "dimension", "target_version": "1.19.0", "named_vectors": "false"],
            domain: "embedding", method: "new-collection-alias",
            fired: ["dimension-change", "zero-downtime-new-collection"],
            findings: ["reembedding": "unavoidable"]),
        AdviceCase(
            name: "conflict: dense → hybrid on 1.18 named → new hybrid collection wins over the in-place field",
            facts: ["embedding_change": "add-sparse", "target_version": "1.18.0", "named_vectors": "true"],
            domain: "embedding", method: "new-collection-hybrid", fired: ["add-sparse", "zero-downtime-named-vectors"],
            conflicts: ["zero-downtime-named-vectors"],
            findings: ["reembedding": "unavoidable"], warnings: ["alias switch moves no payloads"],
            steps: ["sparse_vectors", "fusion (RRF)"]),
        AdviceCase(
            name: "Matryoshka → truncate, no re-embedding, recall caveat", facts: ["embedding_change": "matryoshka"],
            domain: "embedding", method: "truncate-matryoshka", fired: ["matryoshka", "update-query-model"],
            findings: ["reembedding": "avoidable"], warnings: ["Recall caveat", "embed queries with the new model"]),
        AdviceCase(
            name: "quantization → update the config, no re-embedding",
            facts: ["embedding_change": "quantization", "collection": "docs"],
            domain: "embedding", method: "change-quantization", fired: ["quantization"],
            findings: ["reembedding": "avoidable"],
            steps: ["PATCH '<to_url>/collections/docs'", "quantization_config"]),
        AdviceCase(
            name: "conflict: side-by-side A/B on 1.18 named with ColBERT → A/B in place, multivectors on disk",
            facts: [
                "embedding_change": "provider", "target_version": "1.18.1", "named_vectors": "true",
                "side_by_side": "true", "multivector": "true",
            ],
            domain: "embedding", method: "side-by-side-ab", fired: ["side-by-side-requested", "multivector-on-disk"],
            conflicts: ["zero-downtime-named-vectors"],
            warnings: ["on_disk: true"], steps: ["next to the existing one", "using=old_model and using=new_model"],
            absentSteps: ["_ab with two named vectors"]),
        AdviceCase(
            name: "side-by-side on 1.17 → A/B in a new collection with both named vectors",
            facts: [
                "embedding_change": "dimension", "target_version": "1.17.0", "side_by_side": "true",
                "collection": "docs",
            ],
            domain: "embedding", method: "side-by-side-ab", fired: ["side-by-side-requested"],
            conflicts: ["zero-downtime-new-collection", "reembed-any-version"],
            steps: ["docs_ab with two named vectors"], absentSteps: ["next to the existing one"]),
        AdviceCase(
            name: "version and layout unknown → new collection, asks for them", facts: ["embedding_change": "provider"],
            domain: "embedding", method: "new-collection-alias",
            fired: ["reembed-any-version", "ask-for-version-and-layout"],
            tips: ["Give --target-version and --named-vectors"]),
        AdviceCase(
            name: "small dataset → re-index from the source",
            facts: [
                "embedding_change": "provider", "target_version": "1.19.0", "named_vectors": "true",
                "dataset_size": "10MB",
            ],
            domain: "embedding", method: "add-named-vector", fired: ["small-dataset"],
            tips: ["Under 25 MB, re-index from the source"]),
        AdviceCase(
            name: "multivector while adding a field → on disk",
            facts: [
                "embedding_change": "provider", "target_version": "1.19.0", "named_vectors": "true",
                "multivector": "true",
            ],
            domain: "embedding", method: "add-named-vector", fired: ["multivector-on-disk"],
            warnings: ["Large multivectors (ColBERT)"]),
        AdviceCase(
            name: "the Qdrant version comes from source_version when no target version is given",
            facts: ["embedding_change": "provider", "source_version": "1.17.0", "named_vectors": "true"],
            domain: "embedding", method: "new-collection-alias", fired: ["zero-downtime-new-collection"]),
    ]

    @Test(arguments: cases) func decides(_ c: AdviceCase) throws {
        try AdviceTestSupport.check(c)
    }

    /// Re-embedding is unavoidable for provider, architecture, dimension and sparse additions; avoidable for
    /// Matryoshka and quantization.
    @Test(arguments: [
        ("provider", "unavoidable"), ("architecture", "unavoidable"), ("dimension", "unavoidable"),
        ("add-sparse", "unavoidable"), ("matryoshka", "avoidable"), ("quantization", "avoidable"),
    ])
    func reembeddingRow(_ change: String, _ expected: String) throws {
        let report = AdviceTestSupport.defaultEngine.advise(try AdviceTestSupport.facts(["embedding_change": change]))
        let domain = try #require(report.domains.first { $0.domain == "embedding" })
        #expect(domain.findings.first { $0.name == "reembedding" }?.value == expected)
        let speedTipsShown = domain.tips.contains { $0.text.contains("update_mode: insert") }
        #expect(speedTipsShown == (expected == "unavoidable"), "bulk-load tips only when re-embedding")
    }

    /// Zero downtime: ≥ 1.18 with named vectors in place; ≤ 1.17 or unnamed vectors through a new collection.
    @Test(arguments: [
        ("1.18.0", "true", "add-named-vector"), ("1.19.2", "true", "add-named-vector"),
        ("1.17.9", "true", "new-collection-alias"), ("1.16.0", "false", "new-collection-alias"),
        ("1.19.0", "false", "new-collection-alias"),
    ])
    func zeroDowntimeRow(_ version: String, _ named: String, _ method: String) throws {
        try AdviceTestSupport.check(
            AdviceCase(
                name: "\(version) named=\(named)",
                facts: ["embedding_change": "dimension", "target_version": version, "named_vectors": named],
                domain: "embedding", method: method))
    }

    @Test func migrationDomainStaysOutOfEmbeddingOnlyFacts() throws {
        let report = AdviceTestSupport.defaultEngine.advise(
            try AdviceTestSupport.facts(["embedding_change": "provider"]))
        #expect(report.domains.first { $0.domain == "migration" }?.applicable == false)
    }
}
