import ArgumentParser

/// `qsnap cloud schedule`: Qdrant Cloud backup schedules.
struct CloudScheduleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "schedule",
        abstract: "Qdrant Cloud backup schedules: list, create, update, delete.",
        subcommands: [
            CloudScheduleListCommand.self,
            CloudScheduleCreateCommand.self,
            CloudScheduleUpdateCommand.self,
            CloudScheduleDeleteCommand.self,
        ])
}
