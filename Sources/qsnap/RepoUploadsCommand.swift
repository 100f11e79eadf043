import ArgumentParser
import Foundation
import HTTP
import QSnapCore
import S3

/// `qsnap repo uploads s3://BUCKET/PREFIX`: list (or abort) incomplete multipart uploads.
struct RepoUploadsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "uploads",
        abstract: "List incomplete multipart uploads (they are billed until completed or aborted).")

    @OptionGroup var globals: GlobalOptions
    @OptionGroup var s3: RepositoryOptions

    @Flag(help: "Abort the listed uploads, discarding their parts.")
    var abort = false

    @Argument(help: "s3://BUCKET[/PREFIX]", transform: RepositoryLocation.init(parsing:))
    var location: RepositoryLocation

    func run() async throws {
        try await CommandRunner.run(globals) { logger in
            guard case .s3(let bucket, let prefix) = location else {
                throw QSnapError(.repoUrl, "uploads needs an s3://BUCKET/PREFIX location, not '\(location)'")
            }
            let options = s3
            let abort = self.abort
            let client = try await options.makeClient(bucket: bucket, logger: logger)
            let uploads = try await client.listMultipartUploads(prefix: prefix)
            if abort { for u in uploads { try await client.abortMultipartUpload(key: u.key, uploadID: u.uploadID) } }
            var out = ""
            for u in uploads { out += "\(u.initiated) \(u.uploadID) \(u.key)\(abort ? " (aborted)" : "")\n" }
            FileHandle.standardOutput.write(Data(out.utf8))
        }
    }
}
