import ArgumentParser
import Foundation
import QSnap
import QSnapAdvice
import QSnapCore
import Qdrant

/// `qsnap advise`: recommend how to move, recover or re-embed Qdrant data, from rule files in `policies/advice/`.
struct AdviseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "advise",
        abstract: "Recommend how to move, recover or re-embed data, from the rules in policies/advice/.",
        discussion: """
            Facts come from flags, --fact NAME=VALUE, or live clusters (--from URL
            --to URL; --no-live keeps the URLs for the commands only). Unknown
            facts stay unknown: rules needing them do not fire, constraints
            needing them show "unknown". Rule files: policies/README.md.

            Examples:
              qsnap advise --source pinecone --collection docs
              qsnap advise --source qdrant --source-shards 6 --target-shards 12 \\
                --source-goes-offline
              qsnap advise --from http://old:6333 --to http://new:6333 \\
                --collection docs --explain
              qsnap advise --scenario cluster-failure --source-env cloud \\
                --same-provider-region --cloud-account-id $ACCOUNT --cloud-cluster-id $CLUSTER
              qsnap advise --embedding-change provider --target-version 1.18 \\
                --named-vectors

            Exit status: 0 advice given; 1 a live cluster could not be read;
            2 bad flags, an invalid rule file or nothing to decide on;
            3 a blocking constraint of the recommendation failed.
            """)

    @OptionGroup var globals: GlobalOptions

    @Option(
        name: .long,
        help:
            "Directory of rule files (DIR/advice/*.yaml). Default: $QSNAP_POLICIES, ./policies, <bin>/../share/qsnap/policies, built-in."
    )
    var policies: String?

    @Flag(name: .long, help: "Print the full rule trail: every rule, fired or not, and why.")
    var explain = false

    @Option(name: .long, help: "move, cluster-failure or revert-deploy (default move when --source is given).")
    var scenario: String?
    @Option(name: .long, help: "Engine holding the data: \(AdviceFactCatalog.engines.joined(separator: ", ")).")
    var source: String?
    @Option(name: .long, help: "Where the source runs: \(AdviceFactCatalog.environments.joined(separator: ", ")).")
    var sourceEnv: String?
    @Option(
        name: [.long, .customLong("target-env")],
        help: "Where the data must end up: \(AdviceFactCatalog.environments.joined(separator: ", ")).")
    var target: String?
    @Option(name: .long, help: "Qdrant version of the source.") var sourceVersion: String?
    @Option(name: .long, help: "Qdrant version of the target.") var targetVersion: String?
    @Option(name: .long, help: "Shard count of the source collection.") var sourceShards: String?
    @Option(name: .long, help: "Shard count wanted on the target.") var targetShards: String?
    @Option(name: .long, help: "Node count of the source cluster.") var sourceNodes: String?
    @Option(name: .long, help: "Node count of the target cluster.") var targetNodes: String?
    @Flag(inversion: .prefixedNo, help: "Source and target are in the same cloud provider and region.")
    var sameProviderRegion: Bool?
    @Flag(inversion: .prefixedNo, help: "Only a filtered subset of the points must move.")
    var filteredSubset: Bool?
    @Flag(inversion: .prefixedNo, help: "The source keeps serving traffic during the operation.")
    var sourceMustStayOnline: Bool?
    @Flag(inversion: .prefixedNo, help: "The source will be switched off before a long copy could finish.")
    var sourceGoesOffline: Bool?
    @Option(name: .long, help: "Size of the data on the source, e.g. 120GiB.") var dataSize: String?
    @Option(name: .long, help: "Free disk on the target, e.g. 500GiB.") var freeDisk: String?
    @Option(name: .long, help: "RAM of the target, e.g. 64GiB.") var ram: String?
    @Option(name: .long, help: "RAM of the source, e.g. 32GiB.") var sourceRam: String?
    @Option(
        name: .long,
        help: "How the embedding model changes: \(AdviceFactCatalog.embeddingChanges.joined(separator: ", ")).")
    var embeddingChange: String?
    @Flag(inversion: .prefixedNo, help: "The collection uses named vectors.") var namedVectors: Bool?
    @Flag(inversion: .prefixedNo, help: "The collection holds multivectors (ColBERT-style).") var multivector: Bool?
    @Flag(inversion: .prefixedNo, help: "Compare old and new embeddings side by side (A/B) first.") var sideBySide:
        Bool?
    @Option(name: .long, help: "Size of the original dataset the embeddings come from, e.g. 20MB.") var datasetSize:
        String?
    @Option(name: .long, help: "Collection name (for the next commands; with --from, the collection read live).")
    var collection: String?
    @Option(name: .long, help: "Alias clients query (for the next commands).") var alias: String?
    @Option(name: .long, help: "qsnap backup repository, e.g. s3://bucket/prefix (for the next commands).") var repo:
        String?
    @Option(name: .long, help: "Qdrant Cloud cluster id (for the next commands).") var cloudClusterId: String?
    @Option(name: .long, help: "Qdrant Cloud account id (for the next commands).") var cloudAccountId: String?
    @Option(name: .long, help: "Source Qdrant URL; read live unless --no-live.") var from: String?
    @Option(name: .long, help: "Target Qdrant URL; read live unless --no-live.") var to: String?
    @Flag(inversion: .prefixedNo, help: "Read versions, shard counts, vector configs, sizes and disk from --from/--to.")
    var live = true
    @Option(name: .long, help: "Api key of both --from and --to (default: the variables named below).")
    var apiKey: String?
    @Option(help: "The environment variable holding --from's api key or JWT.")
    var sourceApiKeyEnv: String = "QDRANT_API_KEY"
    @Option(help: "The environment variable holding --to's api key or JWT.")
    var targetApiKeyEnv: String = "QDRANT_API_KEY"
    @OptionGroup var connectionOptions: QdrantConnectionOptions
    @Option(
        name: .long, parsing: .singleValue, help: "Any fact as NAME=VALUE (repeatable), e.g. --fact source_ram=32GiB.")
    var fact: [String] = []

    func run() async throws {
        try await CommandRunner.run(globals) { logger in
            var facts = try flagFacts()
            let located = try AdvicePolicyLocator.load(flag: policies)
            logger.debug("advice rules from \(located.origin)")
            if live, from != nil || to != nil {
                try await AdviceFactCollector.collect(
                    into: &facts, from: from, to: to, collection: collection,
                    source: try connectionOptions.connection(apiKey: apiKey, keyEnv: sourceApiKeyEnv),
                    target: try connectionOptions.connection(apiKey: apiKey, keyEnv: targetApiKeyEnv), logger: logger)
            }
            if facts["scenario"] == nil, facts["source"] != nil {
                try facts.set("scenario", .text("move"), origin: "default")
            }
            let report = AdviceEngine(policies: located.policies).advise(facts)
            guard report.domains.contains(where: \.applicable) else {
                throw QSnapError(
                    .adviceNoFacts,
                    "nothing to decide on: give --source (or --scenario cluster-failure|revert-deploy) to plan a move or a recovery, or --embedding-change to plan a model change"
                )
            }
            if globals.json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                FileHandle.standardOutput.write(try encoder.encode(report) + Data("\n".utf8))
            } else {
                FileHandle.standardOutput.write(Data(AdviceTextRenderer.render(report, explain: explain).utf8))
            }
            if report.status == "blocked" {
                FileHandle.standardError.write(
                    Data("qsnap: advice blocked by a failed constraint (see Constraints)\n".utf8))
                throw ExitCode(ExitStatus.refused)
            }
        }
    }

    /// The facts given by flags (later flags never conflict: each names one fact).
    func flagFacts() throws -> AdviceFacts {
        var facts = AdviceFacts()
        let texts: [(String, String?)] = [
            ("scenario", scenario), ("source", source), ("source_env", sourceEnv), ("target_env", target),
            ("source_version", sourceVersion), ("target_version", targetVersion),
            ("source_shards", sourceShards), ("target_shards", targetShards),
            ("source_nodes", sourceNodes), ("target_nodes", targetNodes),
            ("data_size", dataSize), ("free_disk", freeDisk), ("ram", ram), ("source_ram", sourceRam),
            ("embedding_change", embeddingChange), ("dataset_size", datasetSize),
            ("collection", collection), ("alias", alias), ("repo", repo), ("cloud_cluster_id", cloudClusterId),
            ("cloud_account_id", cloudAccountId),
            ("from_url", from.map(AdviseURL.withoutCredentials)), ("to_url", to.map(AdviseURL.withoutCredentials)),
        ]
        for (name, value) in texts {
            if let value { try facts.set(name, parsing: value) }
        }
        let bools: [(String, Bool?)] = [
            ("same_provider_region", sameProviderRegion), ("filtered_subset", filteredSubset),
            ("source_must_stay_online", sourceMustStayOnline), ("source_goes_offline", sourceGoesOffline),
            ("named_vectors", namedVectors), ("multivector", multivector), ("side_by_side", sideBySide),
        ]
        for (name, value) in bools {
            if let value { try facts.set(name, .bool(value)) }
        }
        for item in fact {
            guard let eq = item.firstIndex(of: "="), eq != item.startIndex else {
                throw QSnapError(.adviceFact, "--fact takes NAME=VALUE, not '\(item)'")
            }
            let name = String(item[..<eq]).replacingOccurrences(of: "-", with: "_")
            try facts.set(name, parsing: String(item[item.index(after: eq)...]), origin: "--fact")
        }
        return facts
    }
}
