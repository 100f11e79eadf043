import ArgumentParser

/// `qsnap alias`: alias operations.
struct AliasCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alias",
        abstract: "Alias operations for zero-downtime cutovers.",
        subcommands: [AliasSwitchCommand.self])
}
