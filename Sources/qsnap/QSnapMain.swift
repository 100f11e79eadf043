import ArgumentParser
import Foundation
import QSnapCore

/// The process entry point.
@main
enum QSnapMain {
    static func main() async {
        // libarchive converts entry names through the locale: UTF-8 names need a UTF-8 LC_CTYPE. Set it once,
        // before any thread starts.
        setlocale(LC_CTYPE, "C.UTF-8")
        // A closed pipe (e.g. `qsnap … | head`) must be an error return, not a silent death.
        signal(SIGPIPE, SIG_IGN)
        do {
            var command = try QSnapCommand.parseAsRoot()
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch {
            // ArgumentParser reports usage errors with EX_USAGE (64); qsnap documents 2.
            let code = QSnapCommand.exitCode(for: error)
            if code == .validationFailure {
                FileHandle.standardError.write(Data((QSnapCommand.fullMessage(for: error) + "\n").utf8))
                exit(ExitStatus.usage)
            }
            QSnapCommand.exit(withError: error)
        }
    }
}
