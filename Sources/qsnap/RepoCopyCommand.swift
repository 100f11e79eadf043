import ArgumentParser
import Foundation
import HTTP
import QSnap
import QSnapCore
import S3

/// `qsnap repo cp SRC DST`: upload a file to S3 or download an object.
struct RepoCopyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cp",
        abstract: "Copy a file to S3 or an object to a file (- = standard input/output).",
        discussion: """
            Uploads larger than one part use a multipart upload with parallel parts and bounded memory. \
            If an upload of a file is interrupted, its parts are kept: run the same command with --resume \
            to continue from the parts already stored (each one is checked against the file), or discard \
            them with `qsnap repo uploads --abort`.
            """)

    @OptionGroup var globals: GlobalOptions
    @OptionGroup var s3: RepositoryOptions

    @Flag(help: "Continue the newest incomplete upload of the same key instead of starting over.")
    var resume = false

    @Option(name: .customLong("upload-id"), help: "Continue this multipart upload id.")
    var uploadID: String?

    @Argument(help: "The source: a file, -, or s3://BUCKET/KEY.", transform: RepositoryLocation.init(parsing:))
    var source: RepositoryLocation

    @Argument(help: "The destination: s3://BUCKET/KEY, a file, or -.", transform: RepositoryLocation.init(parsing:))
    var destination: RepositoryLocation

    func run() async throws {
        try await CommandRunner.run(globals) { logger in
            let options = s3
            if case .s3(let bucket, let key) = destination, let local = ObjectCopy.LocalEnd(source) {
                let resume = self.resume
                let uploadID = self.uploadID
                let client = try await options.makeClient(bucket: bucket, logger: logger)
                let result = try await ObjectCopy(client: client).upload(
                    from: local, to: key, options: options.writerOptions, resume: resume, uploadID: uploadID)
                logger.notice(
                    "uploaded \(result.stored.size) bytes to s3://\(bucket)/\(result.key) (\(result.stored.partCount) part(s), ETag \(result.stored.etag))"
                )
            } else if case .s3(let bucket, let key) = source, let local = ObjectCopy.LocalEnd(destination) {
                guard !key.isEmpty else {
                    throw QSnapError(.repoUrl, "'\(source)' names no object; write s3://BUCKET/KEY")
                }
                let client = try await options.makeClient(bucket: bucket, logger: logger)
                _ = try await ObjectCopy(client: client).download(key: key, to: local)
            } else {
                throw QSnapError(
                    .repoCp,
                    "cp copies between a local file and S3; one side must be s3://BUCKET/KEY, the other a path or -")
            }
        }
    }
}
