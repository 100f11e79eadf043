import QSnapCore
import Testing

@testable import QSnapAdvice

/// Moving or recovering data: one row per rule, per row of the comparison, and the documented conflicts.
@Suite struct AdviceMigrationTests {
    static let sameShape = ["source_shards": "3", "target_shards": "3"]
    static let roomy = ["data_size": "100GiB", "free_disk": "250GiB", "source_ram": "32GiB", "ram": "64GiB"]

    static func q(_ extra: [String: String]) -> [String: String] {
        ["source": "qdrant", "scenario": "move", "collection": "docs"].merging(extra) { _, new in new }
    }

    static let cases: [AdviceCase] = [
        AdviceCase(
            name: "other engine → Migration Tool",
            facts: [
                "source": "pinecone", "scenario": "move", "collection": "docs",
                "to_url": "https://x.cloud.qdrant.io:6334",
            ],
            domain: "migration", method: "migration-tool", fired: ["other-engine"],
            excluded: ["snapshots": "other-engine", "cloud-backups": "other-engine"],
            warnings: ["Only Pinecone serverless", "2× the source's RAM and disk"],
            steps: [
                "registry.cloud.qdrant.io/library/qdrant-migration pinecone --pinecone.index-host",
                "--qdrant.collection 'docs'", "points/count",
            ],
            absentSteps: ["qdrant-migration weaviate"]),
        AdviceCase(
            name: "shard count change → Migration Tool, snapshots ruled out",
            facts: q(["source_shards": "3", "target_shards": "6", "source_env": "self-hosted", "target_env": "cloud"]),
            domain: "migration", method: "migration-tool",
            fired: [
                "shard-count-change", "snapshots-need-same-shard-count", "cloud-backups-only-on-cloud",
                "cloud-backups-need-same-shape",
            ],
            excluded: ["snapshots": "shard-count-change"], conflicts: ["qdrant-between-environments"],
            steps: ["shard_number 6", "qdrant-migration qdrant --source.url"]),
        AdviceCase(
            name: "filtered subset → Migration Tool (with the missing-filter warning)",
            facts: q(sameShape.merging(["filtered_subset": "true"]) { a, _ in a }),
            domain: "migration", method: "migration-tool", fired: ["filtered-subset", "subset-has-no-filter"],
            excluded: ["snapshots": "filtered-subset", "cloud-backups": "filtered-subset"],
            conflicts: ["qdrant-between-environments"],
            warnings: ["has no filter"]),
        AdviceCase(
            name: "Qdrant self-hosted → Cloud, same shards, next minor → snapshots",
            facts: q(
                sameShape.merging(roomy) { a, _ in a }.merging([
                    "source_env": "self-hosted", "target_env": "cloud", "source_version": "1.18.0",
                    "target_version": "1.19.1", "repo": "s3://bk/prod", "from_url": "http://old:6333",
                    "to_url": "https://new.cloud.qdrant.io:6333", "alias": "docs-live",
                ]) { a, _ in a }),
            domain: "migration", method: "snapshots",
            fired: ["qdrant-between-environments", "cloud-to-self-hosted-note"],
            constraints: [
                "same-shard-count": "pass", "target-not-older": "pass", "at-most-next-minor": "pass",
                "disk-headroom": "pass", "ram-headroom": "pass",
            ],
            tips: ["uploads the snapshot"],
            steps: [
                "qsnap backup --qdrant http://old:6333 --to s3://bk/prod --collection docs",
                "qsnap restore <backup-id> --repo s3://bk/prod --target https://new.cloud.qdrant.io:6333 --collection docs --as docs_restored --alias docs-live",
            ],
            status: "ok"),
        AdviceCase(
            name: "managed → private, shard count unknown → snapshots with unknown constraints",
            facts: q(["source_env": "cloud", "target_env": "private-cloud"]),
            domain: "migration", method: "snapshots", fired: ["qdrant-between-environments"],
            constraints: ["same-shard-count": "unknown", "disk-headroom": "unknown"], status: "ok"),
        AdviceCase(
            name: "Cloud cluster failure, same region/version/shape → Cloud Backups",
            facts: [
                "scenario": "cluster-failure", "source_env": "cloud", "same_provider_region": "true",
                "source_version": "1.19.0", "target_version": "1.19.0", "source_shards": "4", "target_shards": "4",
                "source_nodes": "3", "target_nodes": "3", "cloud_cluster_id": "c-42", "cloud_account_id": "a-7",
            ],
            domain: "migration", method: "cloud-backups", fired: ["cloud-recovery", "self-hosted-recovery"],
            conflicts: ["self-hosted-recovery"],
            constraints: [
                "same-provider-region": "pass", "exact-version": "pass", "same-shard-count": "pass",
                "same-node-count": "pass",
            ],
            warnings: ["reverts CPU, memory, node count and the Qdrant version"],
            steps: [
                "qsnap cloud backup list --account-id a-7 --cluster-id c-42",
                "qsnap cloud backup create --account-id a-7 --cluster-id c-42 --name before-restore --retention 7d",
                "qsnap cloud backup restore <backup-id> --account-id a-7 --cluster-id c-42 --yes",
            ]),
        AdviceCase(
            name: "Cloud revert of a bad deploy while the cluster must stay online → Cloud Backups into a new cluster",
            facts: [
                "scenario": "revert-deploy", "source_env": "cloud", "same_provider_region": "true",
                "source_must_stay_online": "true",
            ],
            domain: "migration", method: "cloud-backups", fired: ["cloud-recovery", "cloud-restore-keeps-serving"],
            warnings: ["Restore into a new cluster"]),
        AdviceCase(
            name: "Cloud failure into another region → snapshots (Cloud Backups ruled out)",
            facts: [
                "scenario": "cluster-failure", "source_env": "cloud", "same_provider_region": "false",
                "source": "qdrant",
            ],
            domain: "migration", method: "snapshots",
            fired: ["cloud-backups-need-same-region", "self-hosted-recovery"],
            excluded: ["cloud-backups": "cloud-backups-need-same-region"], conflicts: ["cloud-recovery"]),
        AdviceCase(
            name: "Cloud revert onto another version → snapshots",
            facts: [
                "scenario": "revert-deploy", "source_env": "cloud", "same_provider_region": "true",
                "source_version": "1.19.0", "target_version": "1.19.1",
            ],
            domain: "migration", method: "snapshots",
            fired: ["cloud-backups-need-exact-version", "self-hosted-recovery"],
            excluded: ["cloud-backups": "cloud-backups-need-exact-version"], conflicts: ["cloud-recovery"],
            steps: ["qsnap alias switch"]),
        AdviceCase(
            name: "Cloud failure onto fewer nodes → snapshots",
            facts: [
                "scenario": "cluster-failure", "source_env": "cloud", "same_provider_region": "true",
                "source_nodes": "3", "target_nodes": "2",
            ],
            domain: "migration", method: "snapshots", fired: ["cloud-backups-need-same-shape"],
            excluded: ["cloud-backups": "cloud-backups-need-same-shape"], conflicts: ["cloud-recovery"]),
        AdviceCase(
            name: "self-hosted cluster failure → snapshots, no Cloud Backups",
            facts: [
                "scenario": "cluster-failure", "source_env": "self-hosted", "source": "qdrant", "source_nodes": "3",
                "target_nodes": "3",
            ],
            domain: "migration", method: "snapshots", fired: ["self-hosted-recovery", "cloud-backups-only-on-cloud"],
            excluded: ["cloud-backups": "cloud-backups-only-on-cloud"], warnings: ["per node"]),
        AdviceCase(
            name: "version more than one minor apart → Migration Tool",
            facts: q(sameShape.merging(["source_version": "1.16.0", "target_version": "1.19.0"]) { a, _ in a }),
            domain: "migration", method: "migration-tool", fired: ["version-gap-too-large"],
            excluded: ["snapshots": "version-gap-too-large"], conflicts: ["qdrant-between-environments"]),
        AdviceCase(
            name: "older target version → Migration Tool",
            facts: q(sameShape.merging(["source_version": "1.19.0", "target_version": "1.18.2"]) { a, _ in a }),
            domain: "migration", method: "migration-tool", fired: ["version-gap-too-large"]),
        AdviceCase(
            name: "conflict: shard change while the source goes offline → snapshot, then migrate from staging",
            facts: q([
                "source_shards": "2", "target_shards": "4", "source_goes_offline": "true", "source_version": "1.18.3",
            ]),
            domain: "migration", method: "snapshot-then-migrate",
            fired: ["shard-change-while-source-goes-offline", "source-offline-stops-streaming", "shard-count-change"],
            excluded: ["migration-tool": "source-offline-stops-streaming", "snapshots": "shard-count-change"],
            conflicts: ["shard-count-change", "qdrant-between-environments"],
            steps: [
                "qsnap backup --qdrant", "staging Qdrant at version 1.18.3", "shard_number 4",
                "--migration.create-collection=false",
            ]),
        AdviceCase(
            name: "conflict: subset while the source goes offline → snapshot, then migrate",
            facts: q(sameShape.merging(["filtered_subset": "true", "source_goes_offline": "true"]) { a, _ in a }),
            domain: "migration", method: "snapshot-then-migrate", fired: ["subset-while-source-goes-offline"],
            conflicts: ["filtered-subset"]),
        AdviceCase(
            name: "conflict: version gap while the source goes offline → snapshot, then migrate",
            facts: q(
                sameShape.merging([
                    "source_version": "1.15.0", "target_version": "1.19.0", "source_goes_offline": "true",
                ]) { a, _ in a }),
            domain: "migration", method: "snapshot-then-migrate", fired: ["version-gap-while-source-goes-offline"],
            conflicts: ["version-gap-too-large"]),
        AdviceCase(
            name: "source goes offline, same shape → snapshots (streaming ruled out)",
            facts: q(sameShape.merging(["source_goes_offline": "true"]) { a, _ in a }),
            domain: "migration", method: "snapshots", fired: ["source-offline-stops-streaming"],
            excluded: ["migration-tool": "source-offline-stops-streaming"]),
        AdviceCase(
            name: "other engine going offline → Migration Tool with a warning",
            facts: ["source": "milvus", "source_goes_offline": "true"],
            domain: "migration", method: "migration-tool", fired: ["other-engine-source-offline"],
            warnings: ["Keep milvus online"],
            steps: ["qdrant-migration milvus --milvus.url"]),
        AdviceCase(
            name: "serving source → batch-delay tip",
            facts: ["source": "elasticsearch", "source_must_stay_online": "true"],
            domain: "migration", method: "migration-tool", fired: ["source-serving-during-migration"],
            tips: ["--migration.batch-delay"]),
        AdviceCase(
            name: "cluster failure, nothing else known → snapshots", facts: ["scenario": "cluster-failure"],
            domain: "migration", method: "snapshots", fired: ["self-hosted-recovery"]),
        // Comparison rows: disk headroom 2× / 2× / ≥ 1×, RAM headroom 2× / same / same.
        AdviceCase(
            name: "disk 1.5×: Migration Tool fails (needs 2×)",
            facts: [
                "source": "chroma", "data_size": "100GiB", "free_disk": "150GiB", "source_ram": "32GiB", "ram": "32GiB",
            ],
            domain: "migration", method: "migration-tool",
            constraints: ["disk-headroom": "fail", "ram-headroom": "fail"], status: "blocked"),
        AdviceCase(
            name: "disk 1.5×: snapshots fail (needs 2×), RAM same passes",
            facts: q(
                sameShape.merging(["data_size": "100GiB", "free_disk": "150GiB", "source_ram": "32GiB", "ram": "32GiB"])
                { a, _ in a }),
            domain: "migration", method: "snapshots", constraints: ["disk-headroom": "fail", "ram-headroom": "pass"],
            status: "blocked"),
        AdviceCase(
            name: "disk 1.5×: Cloud Backups pass (needs ≥ 1×), RAM same passes",
            facts: [
                "scenario": "cluster-failure", "source_env": "cloud", "same_provider_region": "true",
                "data_size": "100GiB", "free_disk": "150GiB", "source_ram": "32GiB", "ram": "32GiB",
            ],
            domain: "migration", method: "cloud-backups",
            constraints: ["disk-headroom": "pass", "ram-headroom": "pass"], status: "ok"),
        AdviceCase(
            name: "RAM halved: snapshots fail the same-RAM check",
            facts: q(sameShape.merging(["source_ram": "64GiB", "ram": "32GiB"]) { a, _ in a }),
            domain: "migration", method: "snapshots", constraints: ["ram-headroom": "fail"]),
    ]

    @Test(arguments: cases) func decides(_ c: AdviceCase) throws {
        try AdviceTestSupport.check(c)
    }

    /// Every engine the Migration Tool reads gets its own subcommand and flags.
    @Test(arguments: [
        (
            "qdrant",
            "qdrant-migration qdrant --source.url 'http://a:6334' --source.api-key \"$SOURCE_QDRANT_API_KEY\" --source.collection 'docs' --target.url"
        ),
        ("pinecone", "qdrant-migration pinecone --pinecone.index-host 'http://a:6334' --pinecone.index-name 'docs'"),
        ("weaviate", "qdrant-migration weaviate --weaviate.host 'http://a:6334' --weaviate.class-name 'docs'"),
        ("chroma", "qdrant-migration chroma --chroma.url 'http://a:6334' --chroma.collection 'docs'"),
        ("milvus", "qdrant-migration milvus --milvus.url 'http://a:6334' --milvus.collection 'docs'"),
        (
            "elasticsearch",
            "qdrant-migration elasticsearch --elasticsearch.url 'http://a:6334' --elasticsearch.index 'docs'"
        ),
        ("opensearch", "qdrant-migration opensearch --opensearch.url 'http://a:6334' --opensearch.index 'docs'"),
        ("pgvector", "qdrant-migration pg --pg.url \"$PG_URL\" --pg.table 'docs' --pg.key-column id"),
        ("redis", "qdrant-migration redis --redis.addr 'http://a:6334' --redis.index 'docs'"),
        ("mongodb", "qdrant-migration mongodb --mongodb.url \"$MONGODB_URL\""),
        ("s3-vectors", "qdrant-migration s3 --s3.bucket"),
        ("faiss", "qdrant-migration faiss --faiss.index-path"),
        ("solr", "qdrant-migration solr --solr.url 'http://a:6334' --solr.collection 'docs'"),
    ])
    func migrationToolCommandPerSource(_ source: String, _ expected: String) throws {
        var facts: [String: String] = [
            "source": source, "collection": "docs", "from_url": "http://a:6334", "to_url": "http://b:6334",
        ]
        if source == "qdrant" { facts["target_shards"] = "4"; facts["source_shards"] = "2" }
        let domain = try AdviceTestSupport.check(
            AdviceCase(name: source, facts: facts, domain: "migration", method: "migration-tool"))
        let commands = domain.nextSteps.filter { $0.kind == "command" && $0.text.contains("qdrant-migration") }
        #expect(commands.count == 1, "exactly one Migration Tool command for \(source)")
        #expect(commands.first?.text.hasPrefix("docker run --net=host --rm -it") == true)
        #expect(commands.first?.text.contains(expected) == true, "\(commands.first?.text ?? "")")
        let manualCreate = domain.nextSteps.contains { $0.text.contains("by hand first") }
        #expect(manualCreate == ["weaviate", "redis", "mongodb", "solr"].contains(source))
    }

    /// The comparison table's rows, as each method states them.
    @Test(arguments: [
        ("index_rebuild", ["full rebuild", "none", "none"]),
        ("speed", ["slowest", "fast", "fastest"]),
        ("network_cost", ["every point", "one archive", "none beyond"]),
        ("source_load", ["high", "low", "none"]),
        ("source_online", ["must stay online", "only while the snapshot", "not needed"]),
        ("target_shape", ["any", "same shard count", "same configuration and node count"]),
        ("target_version", ["any", "same or newer", "exactly the same"]),
        ("target_cloud", ["any", "any", "same provider and region"]),
        ("disk_headroom", ["2×", "2×", "at least 1×"]),
        ("ram_headroom", ["2×", "same", "same"]),
        ("interruption", ["checkpoint resume", "atomic restore", "atomic clone"]),
    ])
    func comparisonRow(_ row: String, _ values: [String]) throws {
        let policy = try #require(AdviceTestSupport.defaultEngine.policies.first { $0.domain == "migration" })
        for (method, expected) in zip(["migration-tool", "snapshots", "cloud-backups"], values) {
            let value = policy.method(method)?.properties.first { $0.name == row }?.value
            #expect(
                value?.hasPrefix(expected) == true, "\(method).\(row) = \(value ?? "missing"), expected \(expected)…")
        }
    }

    @Test func conflictResolutionIsExplained() throws {
        let c = Self.cases.first { $0.method == "snapshot-then-migrate" }!
        let domain = try AdviceTestSupport.check(c)
        let conflict = try #require(domain.conflicts.first { $0.rule == "shard-count-change" })
        #expect(conflict.resolution.contains("excluded by rule source-offline-stops-streaming"))
        let excluded = try #require(domain.conflicts.first { $0.rule == "qdrant-between-environments" })
        #expect(
            excluded.resolution.hasPrefix(
                "snapshots is excluded by rule shard-count-change: The shard count changes (2 → 4)"))
        let cloud = try AdviceTestSupport.check(Self.cases.first { $0.method == "cloud-backups" }!)
        let overridden = try #require(cloud.conflicts.first { $0.rule == "self-hosted-recovery" })
        #expect(
            overridden.resolution.hasPrefix(
                "overridden by rule cloud-recovery (priority 70 > 30): A cluster-failure on Qdrant cloud"))
    }

    @Test func secretsStayOutOfCommands() throws {
        let domain = try AdviceTestSupport.check(
            AdviceCase(
                name: "env vars", facts: ["source": "pinecone", "collection": "docs"], domain: "migration",
                method: "migration-tool"))
        let cmd = domain.nextSteps.first { $0.text.contains("qdrant-migration") }!.text
        #expect(cmd.contains("--pinecone.api-key \"$PINECONE_API_KEY\""))
        #expect(cmd.contains("--qdrant.url '<to_url>'"), "unknown facts print as placeholders")
    }

    @Test func noFactsMeansNotApplicable() {
        let report = AdviceTestSupport.defaultEngine.advise(AdviceFacts())
        #expect(report.domains.allSatisfy { !$0.applicable })
        #expect(report.status == "undecided")
    }
}
