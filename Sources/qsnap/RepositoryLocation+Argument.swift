import ArgumentParser
import QSnapCore

/// A repository or object location as an `@Option`/`@Argument` value: parsed while the command line is, so a bad one
/// is a usage error (exit 2) before anything runs. Declarations add `transform: RepositoryLocation.init(parsing:)` to
/// keep the reason in the message; without it ArgumentParser reports only that the value is invalid.
extension RepositoryLocation: ExpressibleByArgument {
    /// Parses `argument` (see ``RepositoryLocation/init(parsing:)``); `nil` when it is not a location.
    public init?(argument: String) {
        guard let location = try? RepositoryLocation(parsing: argument) else { return nil }
        self = location
    }
}
