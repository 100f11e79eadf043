import ArgumentParser
import Foundation
import HTTP
import QSnap
import QSnapCore
import S3

/// `qsnap repo cat s3://BUCKET/KEY`: write an object to standard output.
struct RepoCatCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "cat", abstract: "Write an object to standard output.")

    @OptionGroup var globals: GlobalOptions
    @OptionGroup var s3: RepositoryOptions

    @Argument(help: "s3://BUCKET/KEY", transform: RepositoryLocation.init(parsing:))
    var location: RepositoryLocation

    func run() async throws {
        try await CommandRunner.run(globals) { logger in
            guard case .s3(let bucket, let key) = location, !key.isEmpty else {
                throw QSnapError(.repoUrl, "cat needs an s3://BUCKET/KEY location, not '\(location)'")
            }
            let options = s3
            let client = try await options.makeClient(bucket: bucket, logger: logger)
            _ = try await ObjectCopy(client: client).download(key: key, to: .standardStream)
        }
    }
}
