import ArgumentParser
import Foundation
import Logging
import QSnap
import QSnapCore

/// Options every subcommand accepts.
struct GlobalOptions: ParsableArguments {
    @Flag(name: .long, help: "Print machine-readable JSON on standard output.")
    var json = false

    @Flag(name: [.short, .long], help: "Log more detail to standard error.")
    var verbose = false

    @Flag(name: [.short, .long], help: "Log only errors.")
    var quiet = false

    @Option(help: "Seconds between progress lines when standard error is not a terminal (a terminal gets live bars).")
    var progressInterval: Double = 30

    /// The progress display of a running operation (off with --quiet and --json).
    func progressDisplay(_ progress: TransferProgress, logger: Logger) -> ProgressDisplay {
        ProgressDisplay(
            progress: progress, enabled: !quiet && !json, logger: logger,
            logInterval: max(1, progressInterval))
    }

    /// Bootstraps swift-log to standard error at the chosen level (once per process).
    func makeLogger(label: String = "qsnap") -> Logger {
        let level: Logger.Level = quiet ? .error : (verbose ? .debug : .notice)
        LoggingBootstrapper.bootstrap(level: level)
        var logger = Logger(label: label)
        logger.logLevel = level
        return logger
    }
}

/// Runs a command body and turns a ``QSnapError`` into its message on stderr and its exit status.
enum CommandRunner {
    static func run(_ options: GlobalOptions, _ body: (Logger) async throws -> Void) async throws {
        let logger = options.makeLogger()
        do {
            try await body(logger)
        } catch let error as ExitCode {
            throw error
        } catch let error as CleanExit {
            throw error
        } catch {
            // A library's error is reported under qsnap's code of the same identifier.
            let reported = QSnapError(mapping: error, else: .internal) { "unexpected error: \($0)" }
            // Stopped by SIGTERM or SIGINT: whatever error the stop caused, the exit status says it was the signal.
            if let status = ProcessStop.exitStatus {
                report(
                    ProcessStop.stoppedError.map { QSnapError($0.code, "\($0.message): \(reported.message)") }
                        ?? reported,
                    options: options)
                throw ExitCode(status)
            }
            report(reported, options: options)
            throw ExitCode(reported.code.category.exitStatus)
        }
    }

    static func report(_ error: QSnapError, options: GlobalOptions) {
        let text = "qsnap: error: \(SecretRegistry.redact(error.description))\n"
        FileHandle.standardError.write(Data(text.utf8))
        if options.json {
            let payload: [String: String] = [
                "error": SecretRegistry.redact(error.message), "code": error.code.identifier,
                "category": error.code.category.rawValue,
            ]
            if let data = try? JSONSerialization.data(withJSONObject: ["error": payload], options: [.sortedKeys]) {
                FileHandle.standardOutput.write(data + Data("\n".utf8))
            }
        }
    }
}
