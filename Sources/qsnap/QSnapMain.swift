import ArgumentParser
import Foundation
import QSnapCore

/// Records a stop signal (async-signal-safe); the second one ends the process at once.
private let stopSignalHandler: @convention(c) (Int32) -> Void = { signal in
    if ProcessStop.request(signal) > 1 { _exit(128 + signal) }
}

/// The process entry point.
@main
enum QSnapMain {
    static func main() async {
        // libarchive converts entry names through the locale: UTF-8 names need a UTF-8 LC_CTYPE. Set it once,
        // before any thread starts.
        setlocale(LC_CTYPE, "C.UTF-8")
        // OpenSSL without its exit-time clean-up, before libcurl or anything else initialises it (the library code
        // that uses libcrypto also asks for it, for callers other than this command; only the first call counts).
        OpenSSLRuntime.initialize()
        // A closed pipe (e.g. `qsnap … | head`) must be an error return, not a silent death.
        signal(SIGPIPE, SIG_IGN)
        // SIGTERM (Kubernetes, systemd) and SIGINT (a terminal) stop the running operation cleanly: transfers abort,
        // multipart uploads are aborted, a staging collection is removed or a journal left, the lock is released, and
        // the command exits 143 or 130. A second signal exits at once.
        signal(SIGTERM, stopSignalHandler)
        signal(SIGINT, stopSignalHandler)
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
