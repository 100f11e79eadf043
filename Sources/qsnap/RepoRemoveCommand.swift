import ArgumentParser
import Foundation
import HTTP
import QSnapCore
import S3

/// `qsnap repo rm s3://BUCKET/KEY…`: delete objects.
struct RepoRemoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rm", abstract: "Delete objects.")

    @OptionGroup var globals: GlobalOptions
    @OptionGroup var s3: RepositoryOptions

    @Flag(help: "Treat each location as a prefix and delete every object under it.")
    var recursive = false

    @Argument(help: "s3://BUCKET/KEY (all in the same bucket)", transform: RepositoryLocation.init(parsing:))
    var locations: [RepositoryLocation]

    func run() async throws {
        try await CommandRunner.run(globals) { logger in
            var bucket: String?
            var keys: [String] = []
            for location in locations {
                guard case .s3(let b, let k) = location, !k.isEmpty || recursive else {
                    throw QSnapError(.repoUrl, "rm needs s3://BUCKET/KEY locations, not '\(location)'")
                }
                if let bucket, bucket != b {
                    throw QSnapError(.repoUrl, "rm works on one bucket at a time ('\(bucket)' and '\(b)')")
                }
                bucket = b
                keys.append(k)
            }
            guard let bucket else { return }
            let options = s3
            let recursive = self.recursive
            let prefixes = keys
            let client = try await options.makeClient(bucket: bucket, logger: logger)
            var targets = prefixes
            if recursive {
                targets = []
                for prefix in prefixes { targets += try await client.listObjectsV2(prefix: prefix).objects.map(\.key) }
            }
            if targets.count == 1 {
                try await client.deleteObject(key: targets[0])
            } else if !targets.isEmpty {
                try await client.deleteObjects(keys: targets)
            }
            let deleted = targets.count
            logger.notice("deleted \(deleted) object(s)")
        }
    }
}
