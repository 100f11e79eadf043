import ArgumentParser
import Foundation
import HTTP
import QSnap
import QSnapCore
import Qdrant

/// `qsnap doctor`: one checklist of what backup, restore and migrate will meet — each line PASS, WARN or FAIL with the
/// figure behind it.
struct DoctorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "doctor",
        abstract: "Check the source, the target and the repository before a backup, restore or migration.",
        discussion: """
            Per deployment: reachable (version, latency), TLS, auth and permission level against what the role \
            needs (source: create snapshots; target: manage), every node and its version, cluster health and \
            shard states, disk and RAM. Source→target: the minor-version relation, disk and RAM headroom. \
            Repository: put/get/list/delete and a multipart write of probe objects under doctor/ (removed), and \
            the store's clock against this host's. It changes nothing else.
            Examples:
              qsnap doctor --qdrant http://old:6333 --target https://xyz.eu-central-1-0.aws.cloud.qdrant.io:6333 \\
                --repo s3://backups/qdrant --target-api-key-env CLOUD_KEY
            Exit codes: 0 no FAIL, 2 usage, 3 a check failed.
            """)

    @OptionGroup var globals: GlobalOptions

    @Option(help: "REST URL(s) of the source, comma-separated (one endpoint is enough for a cluster).")
    var qdrant: String?

    @Option(help: "REST URL(s) of the target, comma-separated (one endpoint is enough for a cluster).")
    var target: String?

    @Option(
        help: "The repository: a directory, file:///path, or s3://bucket/prefix.",
        transform: RepositoryLocation.init(parsing:))
    var repo: RepositoryLocation?

    @Option(name: .customLong("collection"), help: "A collection to check (repeatable; default: all).")
    var collections: [String] = []

    @Option(help: "The environment variable holding the source's api key or JWT.")
    var sourceApiKeyEnv: String = "QDRANT_API_KEY"

    @Option(help: "The environment variable holding the target's api key or JWT.")
    var targetApiKeyEnv: String = "QDRANT_API_KEY"

    @OptionGroup var connectionOptions: QdrantConnectionOptions

    @OptionGroup var s3: RepositoryOptions

    func validate() throws {
        guard qdrant != nil || target != nil || repo != nil else {
            throw ValidationError("give at least one of --qdrant, --target and --repo")
        }
    }

    func run() async throws {
        try await CommandRunner.run(globals) { logger in
            func urls(_ text: String?) -> [String]? {
                text.map {
                    $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }.filter {
                        !$0.isEmpty
                    }
                }
            }
            let source = try urls(qdrant).map {
                Doctor.Cluster(urls: $0, connection: try connectionOptions.connection(keyEnv: sourceApiKeyEnv))
            }
            let target = try urls(self.target).map {
                Doctor.Cluster(urls: $0, connection: try connectionOptions.connection(keyEnv: targetApiKeyEnv))
            }
            var repository: Result<any Repository, QSnapError>?
            if let location = repo {
                do { repository = .success(try await s3.open(location, logger: logger)) } catch {
                    repository = .failure(
                        QSnapError(mapping: error, else: .doctorRepo))
                }
            }
            let report: DoctorReport = await Doctor(
                source: source, target: target, repository: repository,
                collections: collections.isEmpty ? nil : collections, logger: logger
            ).run()
            if globals.json { try JSONOutput.print(report) } else { print(report.text, terminator: "") }
            if report.failed { throw ExitCode(ExitStatus.refused) }
        }
    }
}
