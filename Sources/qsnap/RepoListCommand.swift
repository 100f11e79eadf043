import ArgumentParser
import Foundation
import HTTP
import QSnapCore
import S3

/// `qsnap repo ls s3://BUCKET/PREFIX`: list objects (every page).
struct RepoListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ls", abstract: "List objects under a prefix.")

    @OptionGroup var globals: GlobalOptions
    @OptionGroup var s3: RepositoryOptions

    @Argument(help: "s3://BUCKET[/PREFIX]", transform: RepositoryLocation.init(parsing:))
    var location: RepositoryLocation

    @Flag(help: "Group by '/' and show sub-prefixes instead of every object.")
    var delimited = false

    func run() async throws {
        try await CommandRunner.run(globals) { logger in
            guard case .s3(let bucket, let prefix) = location else {
                throw QSnapError(.repoUrl, "ls needs an s3://BUCKET/PREFIX location, not '\(location)'")
            }
            let options = s3
            let delimited = self.delimited
            let (objects, prefixes) = try await options.makeClient(bucket: bucket, logger: logger)
                .listObjectsV2(prefix: prefix, delimiter: delimited ? "/" : nil)
            if globals.json {
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                struct Listing: Encodable { var objects: [S3ObjectInfo]; var prefixes: [String] }
                let data = try encoder.encode(Listing(objects: objects, prefixes: prefixes))
                FileHandle.standardOutput.write(data + Data("\n".utf8))
                return
            }
            var out = ""
            for p in prefixes {
                out += "\(String(repeating: " ", count: 12)) \(String(repeating: " ", count: 20)) PRE \(p)\n"
            }
            for o in objects {
                let size = String(o.size)
                out +=
                    String(repeating: " ", count: max(0, 12 - size.count)) + size + " " + o.lastModified + " " + o.key
                    + "\n"
            }
            FileHandle.standardOutput.write(Data(out.utf8))
        }
    }
}
