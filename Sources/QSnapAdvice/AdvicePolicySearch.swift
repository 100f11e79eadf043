import QSnapCore

/// The places `qsnap advise` looks for rule files, in order (pure: the caller checks the file system).
public enum AdvicePolicySearch {
    /// One place to look.
    public struct Candidate: Sendable, Equatable {
        /// The directory (a policies root or an advice directory).
        public var directory: String
        /// How it was chosen: `--policies`, `QSNAP_POLICIES`, `current directory`, `installation`.
        public var origin: String
        /// True when the user named it: a missing directory is an error instead of a reason to look further.
        public var required: Bool
    }

    /// The candidates in search order; the built-in defaults come after all of them.
    /// - Parameters:
    ///   - flag: the `--policies` value.
    ///   - environment: the process environment (`QSNAP_POLICIES`).
    ///   - currentDirectory: the working directory.
    ///   - executableDirectory: the directory of the qsnap binary.
    public static func candidates(
        flag: String?, environment: [String: String], currentDirectory: String, executableDirectory: String
    ) -> [Candidate] {
        if let flag, !flag.isEmpty { return [Candidate(directory: flag, origin: "--policies", required: true)] }
        if let env = environment["QSNAP_POLICIES"], !env.isEmpty {
            return [Candidate(directory: env, origin: "QSNAP_POLICIES", required: true)]
        }
        return [
            Candidate(directory: join(currentDirectory, "policies"), origin: "current directory", required: false),
            Candidate(
                directory: normalize(join(executableDirectory, "../share/qsnap/policies")), origin: "installation",
                required: false),
        ]
    }

    static func join(_ a: String, _ b: String) -> String {
        a.hasSuffix("/") ? a + b : a + "/" + b
    }

    /// Removes `.` and `dir/..` segments.
    static func normalize(_ path: String) -> String {
        var out: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == "..", let last = out.last, last != ".." { out.removeLast(); continue }
            out.append(part)
        }
        return (path.hasPrefix("/") ? "/" : "") + out.joined(separator: "/")
    }
}
