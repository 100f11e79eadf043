import ArgumentParser
import QSnapCore

/// `qsnap inspect ARCHIVE`: report on a Qdrant snapshot archive without extracting it.
struct InspectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "inspect",
        abstract: "Report on a Qdrant snapshot archive without extracting it.")

    @OptionGroup var globals: GlobalOptions

    @Argument(help: "The snapshot archive (plain tar, .gz or .zst), or - for standard input.")
    var archive: String

    func run() async throws {
        try await CommandRunner.run(globals) { _ in
            throw QSnapError(.failure("inspect.unavailable"), "inspect is being built")
        }
    }
}
