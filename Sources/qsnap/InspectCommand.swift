import Archive
import ArgumentParser
import Foundation
import QSnapCore

/// `qsnap inspect ARCHIVE`: report on a Qdrant snapshot archive without extracting it.
struct InspectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Report on a Qdrant snapshot archive without extracting it.",
        discussion: """
            Reads a full-storage, collection or shard snapshot (plain tar as Qdrant writes it, or .gz/.zst) from a
            path or standard input (-), checks every entry the way a safe restore must, and reports its kind,
            collections, vector configs, shards, segments and sizes. Writes nothing to disk.

            By default every nested segment archive is read and checked (deep). --headers-only seeks over entry data
            and peeks at one segment archive per shard: fast, for a first look at a multi-GiB file.

            A SHA-256 given with --checksum, or found in a <file>.checksum sidecar (Qdrant's format), is verified in
            the same pass. Exit codes: 3 unsafe or damaged archive, 4 checksum mismatch.
            """)

    @OptionGroup var globals: GlobalOptions

    @Argument(help: "The snapshot archive (plain tar, .gz or .zst), or - for standard input.")
    var archive: String

    @Option(help: "Expected SHA-256 of the archive file (64 hex digits).")
    var checksum: String?

    @Flag(help: "Compute and print the SHA-256 even without an expected value.")
    var sha256 = false

    @Flag(help: "Skip over entry data; peek at one segment archive per shard.")
    var headersOnly = false

    func run() async throws {
        try await CommandRunner.run(globals) { logger in
            let options = InspectOptions(
                expectedSHA256: checksum, checksumSource: checksum == nil ? nil : "flag", computeSHA256: sha256,
                deep: !headersOnly)
            let report: SnapshotReport
            if archive == "-" {
                report = try SnapshotInspector.inspect(fileDescriptor: 0, displayPath: "-", options: options)
            } else {
                report = try SnapshotInspector.inspect(path: archive, options: options)
            }
            logger.debug("inspected \(archive): \(report.totals.entries) entries")
            if globals.json {
                try JSONOutput.print(report)
            } else {
                print(InspectRenderer.render(report), terminator: "")
            }
        }
    }
}
