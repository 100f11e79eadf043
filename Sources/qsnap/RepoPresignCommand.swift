import ArgumentParser
import Foundation
import QSnapCore
import S3

/// `qsnap repo presign s3://BUCKET/KEY`: print a presigned GET URL (e.g. for Qdrant's snapshot recovery).
struct RepoPresignCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "presign",
        abstract: "Print a presigned GET URL for an object.",
        discussion: "The URL grants read access to anyone holding it until it expires: treat it as a secret.")

    @OptionGroup var globals: GlobalOptions
    @OptionGroup var s3: RepositoryOptions

    @Option(help: "Validity in seconds (at most 604800 = 7 days).")
    var expires: Int = 3600

    @Argument(help: "s3://BUCKET/KEY", transform: RepositoryLocation.init(parsing:))
    var location: RepositoryLocation

    func run() async throws {
        try await CommandRunner.run(globals) { logger in
            guard case .s3(let bucket, let key) = location, !key.isEmpty else {
                throw QSnapError(.repoUrl, "presign needs an s3://BUCKET/KEY location, not '\(location)'")
            }
            let url = try await s3.makeClient(bucket: bucket, logger: logger).presignGET(key: key, expires: expires)
            FileHandle.standardOutput.write(Data((url + "\n").utf8))
        }
    }
}
