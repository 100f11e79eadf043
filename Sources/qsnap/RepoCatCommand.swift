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
                throw QSnapError(.usage("repo.url"), "cat needs an s3://BUCKET/KEY location, not '\(location)'")
            }
            let options = s3
            // Blocking: the operation is synchronous (its requests wait on the libcurl event loop); task groups replace this bridge.
            try await Blocking.run {
                let client = try options.makeClient(bucket: bucket, logger: logger)
                _ = try ObjectCopy(client: client).download(key: key, to: .standardStream)
            }
        }
    }
}
