import Foundation
import QSnapCore

/// Where repository passwords come from. Current password: `--password-command`, else `QSNAP_PASSWORD_FILE`, else
/// `QSNAP_PASSWORD`. New password (`qsnap key add`): `--new-password-command`, else `--new-password-file`, else
/// `QSNAP_NEW_PASSWORD`. One trailing newline of a file or a command's output is dropped. Every password read is
/// registered as a secret, so it is masked wherever it could appear.
enum PasswordSource {
    /// The current password, or `nil` when none is configured.
    static func current(command: String?) throws -> String? {
        let env = ProcessInfo.processInfo.environment
        let password: String?
        if let command, !command.isEmpty {
            password = try run(command, flag: "--password-command")
        } else if let file = env["QSNAP_PASSWORD_FILE"], !file.isEmpty {
            password = try read(file, setting: "QSNAP_PASSWORD_FILE")
        } else {
            password = env["QSNAP_PASSWORD"]
        }
        SecretRegistry.register(password)
        return password
    }

    /// The new password of `qsnap key add`, or `nil` when none is given.
    static func new(file: String?, command: String?) throws -> String? {
        let password: String?
        if let command, !command.isEmpty {
            password = try run(command, flag: "--new-password-command")
        } else if let file, !file.isEmpty {
            password = try read(file, setting: "--new-password-file")
        } else {
            password = ProcessInfo.processInfo.environment["QSNAP_NEW_PASSWORD"]
        }
        SecretRegistry.register(password)
        return password
    }

    private static func read(_ path: String, setting: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw QSnapError(.keyPasswordFile, "the password file \(path) (\(setting)) cannot be read")
        }
        return trimmed(String(decoding: data, as: UTF8.self))
    }

    /// Runs `command` with `/bin/sh -c`; its standard output is the password (its standard error passes through).
    private static func run(_ command: String, flag: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        let out = Pipe()
        process.standardOutput = out
        do {
            try process.run()
        } catch {
            throw QSnapError(
                .keyPasswordCommand, "\(flag) could not be started: \(error.localizedDescription)")
        }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw QSnapError(.keyPasswordCommand, "\(flag) exited with status \(process.terminationStatus)")
        }
        return trimmed(String(decoding: data, as: UTF8.self))
    }

    private static func trimmed(_ text: String) -> String {
        var t = text
        if t.hasSuffix("\n") { t.removeLast() }
        return t
    }
}
