import ArgumentParser
import Foundation
import HTTP
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
    @OptionGroup var s3: RepoS3Options

    @Flag(help: "Continue the newest incomplete upload of the same key instead of starting over.")
    var resume = false

    @Option(name: .customLong("upload-id"), help: "Continue this multipart upload id.")
    var uploadID: String?

    @Argument(help: "The source: a file, -, or s3://BUCKET/KEY.")
    var source: String

    @Argument(help: "The destination: s3://BUCKET/KEY, a file, or -.")
    var destination: String

    func run() async throws {
        try await CommandRunner.run(globals) { logger in
            let from = try RepoLocation(source)
            let to = try RepoLocation(destination)
            let options = s3
            switch (from, to) {
            case (.local(let path), .s3(let bucket, var key)):
                if key.isEmpty || key.hasSuffix("/") { key += (path as NSString).lastPathComponent }
                let resume = self.resume
                let uploadID = self.uploadID
                let uploadKey = key
                // Blocking: the operation is synchronous (its requests wait on the libcurl event loop); task groups replace this bridge.
                let result = try await Blocking.run {
                    let client = try options.makeClient(bucket: bucket, logger: logger)
                    return try RepoTransfer.upload(
                        client: client, from: path, key: uploadKey, options: options.writerOptions, resume: resume,
                        uploadID: uploadID)
                }
                logger.notice(
                    "uploaded \(result.size) bytes to s3://\(bucket)/\(key) (\(result.partCount) part(s), ETag \(result.etag))"
                )
            case (.s3(let bucket, let key), .local(let path)):
                guard !key.isEmpty else {
                    throw QSnapError(.usage("repo.url"), "'\(source)' names no object; write s3://BUCKET/KEY")
                }
                var target = path
                var isDirectory: ObjCBool = false
                if path != "-", FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory),
                    isDirectory.boolValue
                {
                    target = path + "/" + (key as NSString).lastPathComponent
                }
                let output = target
                // Blocking: the operation is synchronous (its requests wait on the libcurl event loop); task groups replace this bridge.
                try await Blocking.run {
                    let client = try options.makeClient(bucket: bucket, logger: logger)
                    try RepoTransfer.download(client: client, key: key, to: output)
                }
            default:
                throw QSnapError(
                    .usage("repo.cp"),
                    "cp copies between a local file and S3; one side must be s3://BUCKET/KEY, the other a path or -")
            }
        }
    }
}
