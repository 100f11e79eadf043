import ArgumentParser
import Foundation
import HTTP
import QSnap
import QSnapCore

/// `qsnap forget ID…`: delete named backups (dry run unless --yes), in prune's safe order.
struct ForgetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forget",
        abstract: "Delete the named backups (dry run unless --yes).",
        discussion: """
            Checks every id first: unknown ids and interrupted backups (no manifest) are refused (exit 2); a pinned
            backup or the newest verified backup is refused (exit 3) unless --force. Nothing is deleted when any
            id is refused. Without --yes it only prints what it would delete, like prune.

            With --yes it takes the repository lock and deletes each backup the way prune does: a deletion marker,
            the objects, the manifest last, the marker. An interrupted forget is finished by the next prune or by
            forgetting the same id again.

            Examples:
              qsnap forget 20261121T103000Z-1a2b3c --repo ./backups
              qsnap forget 20261121T103000Z-1a2b3c 20261122T103000Z-4d5e6f --repo ./backups --yes
              qsnap forget latest --repo s3://bucket/qdrant --force --yes
            """)

    @OptionGroup var globals: GlobalOptions

    @Argument(help: "The backup ids ('latest' for the newest).")
    var ids: [String]

    @Option(
        help: "The repository: a directory, file:///path, or s3://bucket/prefix.",
        transform: RepositoryLocation.init(parsing:))
    var repo: RepositoryLocation

    @Flag(help: "Delete; without it nothing is changed.")
    var yes = false

    @Flag(help: "Also delete pinned backups and the newest verified backup.")
    var force = false

    @OptionGroup var lock: LockOptions

    @OptionGroup var s3: RepositoryOptions

    func validate() throws {
        guard !ids.isEmpty else { throw ValidationError("name at least one backup id (or latest)") }
    }

    func run() async throws {
        try await CommandRunner.run(globals) { logger in
            let options = ForgetRunner.Options(ids: ids, force: force, execute: yes)
            let repository = try await s3.open(repo, logger: logger)
            let report: ForgetReport
            if options.execute {
                report = try await RepositoryLocker.withCommandLock(
                    repository, purpose: "forget", wait: lock.waitLock, settleDelay: lock.lockSettle, logger: logger
                ) { held in
                    try await ForgetRunner(repository: repository, options: options, lock: held, logger: logger).run()
                }
            } else {
                report = try await ForgetRunner(repository: repository, options: options, lock: nil, logger: logger)
                    .run()
            }
            if globals.json {
                try JSONOutput.print(report)
            } else if !globals.quiet {
                for line in report.textLines() { print(line) }
            }
        }
    }
}
