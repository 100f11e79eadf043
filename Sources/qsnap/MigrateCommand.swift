import ArgumentParser
import Foundation
import HTTP
import QSnap
import QSnapCore
import Qdrant

/// `qsnap migrate`: the Migration Tool path — streams a collection's points from one Qdrant into a new collection on
/// another (or the same), with checkpoints, verification and an optional alias switch.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract:
            "Copy a collection point by point into a new collection (shard count, subset or embedding-model changes).",
        discussion: """
            Reads with scroll (payload and vectors, exact) in parallel streams over ranges of ids and writes with \
            batched upserts (wait=true), journalling each stream's offset: a killed migration reruns from its \
            checkpoint. The target is created from the source's config with the overrides given, HNSW held back \
            during the load and restored after, payload indexes recreated; then verified (exact count, points \
            drawn at random equal by value, a query per vector kind) and, with --alias, switched in one request. \
            The source is never written to, except with --in-place.
            Examples:
              qsnap migrate --from http://old:6333 --to http://new:6333 --collection docs --shards 6 --alias docs
              qsnap migrate --from URL --to URL --collection docs --as docs-fr --filter '{"must":[{"key":"lang","match":{"value":"fr"}}]}'
              qsnap migrate --from URL --to URL --collection docs --as docs-v2 --rename-vector =text-v1 --add-vector text-v2:768:Cosine
              qsnap migrate --from URL --to URL --collection docs --in-place --add-vector text-v2:768:Cosine
            Exit codes: 0 ok, 1 failure, 2 usage, 3 refused (existing target, changed source on resume), \
            4 verification failed.
            """)

    @OptionGroup var globals: GlobalOptions

    @Option(help: "REST URL of the source Qdrant.")
    var from: String

    @Option(help: "REST URL of the target Qdrant (may be the source).")
    var to: String

    @Option(help: "The source collection (or an alias of it).")
    var collection: String

    @Option(name: .customLong("as"), help: "The target collection's name (default: the source's name).")
    var asName: String?

    @Option(help: "An alias to point at the target once it is verified.")
    var alias: String?

    @Option(help: "A Qdrant filter (JSON, or @FILE): only matching points move.")
    var filter: String?

    @Option(help: "Shard count of the target (default: the source's).")
    var shards: Int?

    @Option(help: "Replication factor of the target (default: the source's).")
    var replicationFactor: Int?

    @Flag(help: "Store the target's dense vectors on disk.")
    var onDisk = false

    @Flag(help: "Create the target without the source's quantization.")
    var noQuantization = false

    @Option(help: "hnsw_config.m of the target (default: the source's).")
    var hnswM: Int?

    @Option(
        name: .customLong("add-vector"),
        help: "NAME:SIZE:DISTANCE or NAME:sparse: an empty vector to backfill (repeatable).")
    var addVectors: [String] = []

    @Option(
        name: .customLong("rename-vector"),
        help: "OLD=NEW: a vector's name on the target; =NEW names an unnamed vector (repeatable).")
    var renameVectors: [String] = []

    @Flag(
        help:
            "Add the --add-vector vectors to the source collection itself (Qdrant >= 1.18, named vectors); nothing is copied."
    )
    var inPlace = false

    @Option(help: "Points per scroll page and per upsert.")
    var batch: Int = 256

    @Option(help: "Streams at once.")
    var parallel: Int = 2

    @Flag(
        inversion: .prefixedNo, help: "Resume an interrupted migration of the same source and target from its journal.")
    var resume = true

    @Option(help: "Points compared by value after the load.")
    var verifySamples: Int = 16

    @Option(help: "Where migration journals are kept (default: $XDG_STATE_HOME/qsnap, else ~/.local/state/qsnap).")
    var stateDir: String?

    @Option(help: "The environment variable holding the source's api key (default: QDRANT_API_KEY).")
    var sourceApiKeyEnv: String = "QDRANT_API_KEY"

    @Option(help: "The environment variable holding the target's api key (default: QDRANT_API_KEY).")
    var targetApiKeyEnv: String = "QDRANT_API_KEY"

    @OptionGroup var connectionOptions: QdrantConnectionOptions

    func validate() throws {
        guard (1...10_000).contains(batch) else { throw ValidationError("--batch must be 1…10000") }
        guard (1...64).contains(parallel) else { throw ValidationError("--parallel must be 1…64") }
        guard (0...10_000).contains(verifySamples) else { throw ValidationError("--verify-samples must be 0…10000") }
        if let shards, !(1...1000).contains(shards) { throw ValidationError("--shards must be 1…1000") }
        if let rf = replicationFactor, !(1...100).contains(rf) {
            throw ValidationError("--replication-factor must be 1…100")
        }
        if inPlace, addVectors.isEmpty { throw ValidationError("--in-place needs at least one --add-vector") }
        if inPlace, asName != nil || alias != nil || filter != nil || shards != nil {
            throw ValidationError(
                "--in-place changes the source collection only: drop --as, --alias, --filter and --shards")
        }
    }

    func run() async throws {
        try await CommandRunner.run(globals) { logger in
            var plan = MigrationPlan.Options(
                collection: collection, target: asName, filter: try parseFilter(), shards: shards,
                replicationFactor: replicationFactor, onDisk: onDisk, dropQuantization: noQuantization, hnswM: hnswM,
                additions: try addVectors.map(VectorAddition.init(parsing:)), renames: try renames())
            if inPlace { plan.target = collection }
            var options = MigrationOptions(plan: plan, stateDirectory: stateDir ?? Self.defaultStateDirectory())
            options.batch = batch
            options.parallel = parallel
            options.resume = resume
            options.alias = alias
            options.verifySamples = verifySamples
            options.inPlace = inPlace
            let source = try connectionOptions.connection(keyEnv: sourceApiKeyEnv)
            let target = try connectionOptions.connection(keyEnv: targetApiKeyEnv)
            let (from, to, finalOptions) = (self.from, self.to, options)
            let runner = MigrationRunner(
                sourceURL: from, source: source, targetURL: to, target: target,
                options: finalOptions, logger: logger)
            let display = globals.progressDisplay(runner.progress, logger: logger)
            display.start()
            defer { display.stop() }
            let result: MigrationResult = try await runner.run()
            if globals.json {
                try JSONOutput.print(result)
            } else if !globals.quiet {
                print(
                    "migrated \(result.source) → \(result.target) (\(result.mode)): \(result.points) points, "
                        + "\(result.written) written by this run in \(result.streams) stream(s)"
                        + (result.resumed ? ", resumed" : "")
                        + String(format: ", %.0f points/s", result.pointsPerSecond))
                for check in result.checks { print("  \(check.line)") }
                if let alias = result.alias { print("alias \(alias) → \(result.target)") }
                for (alias, old) in result.previous.sorted(by: { $0.key < $1.key }) {
                    print("rollback: alias \(alias) → \(old)")
                }
            }
        }
    }

    private func parseFilter() throws -> JSONValue? {
        guard let filter else { return nil }
        let text: String
        if filter.hasPrefix("@") {
            let path = String(filter.dropFirst())
            guard let data = FileManager.default.contents(atPath: path) else {
                throw QSnapError(.migrateFilter, "--filter @\(path): cannot read that file")
            }
            text = String(decoding: data, as: UTF8.self)
        } else {
            text = filter
        }
        guard let value = try? JSONValue.parse(Array(text.utf8)), value.objectValue != nil else {
            throw QSnapError(
                .migrateFilter,
                "--filter must be a Qdrant filter: a JSON object such as "
                    + #"{"must":[{"key":"lang","match":{"value":"fr"}}]}"#)
        }
        return value
    }

    private func renames() throws -> [String: String] {
        var out: [String: String] = [:]
        for item in renameVectors {
            let parts = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
            guard parts.count == 2, !parts[1].isEmpty else {
                throw QSnapError(
                    .migrateRenameVector,
                    "--rename-vector takes OLD=NEW (=NEW for an unnamed vector), got \(item)")
            }
            out[parts[0]] = parts[1]
        }
        return out
    }

    static func defaultStateDirectory() -> String {
        let env = ProcessInfo.processInfo.environment
        if let xdg = env["XDG_STATE_HOME"], !xdg.isEmpty { return (xdg as NSString).appendingPathComponent("qsnap") }
        let home = env["HOME"] ?? NSHomeDirectory()
        return (home as NSString).appendingPathComponent(".local/state/qsnap")
    }
}
