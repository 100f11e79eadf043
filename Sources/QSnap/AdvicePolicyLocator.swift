import Foundation
import QSnapAdvice
import QSnapCore

/// Finds and loads the advice rule files.
///
/// Search order (``AdvicePolicySearch``): the `--policies DIR` flag, else `$QSNAP_POLICIES`, else `./policies`, else
/// `<executable dir>/../share/qsnap/policies`, else the defaults shipped with the binary
/// (``DefaultAdvicePolicies``, package resources; reported as `embedded`). A directory may be the
/// policies root (its `advice/` subdirectory is read) or the advice directory itself; its `*.yaml` and `*.yml`
/// files are read in name order. A directory named by the flag or the variable must exist.
public enum AdvicePolicyLocator {
    /// Where the rule files came from and the loaded policies.
    public struct Located: Sendable {
        /// `--policies DIR`, `QSNAP_POLICIES DIR`, `current directory DIR`, `installation DIR` or `embedded`.
        public var origin: String
        /// The loaded policies.
        public var policies: [AdvicePolicy]
    }

    /// Finds and loads the rule files.
    /// - Throws: `QSnapError` `.advicePolicy` for a missing named directory, an empty one or an
    ///   invalid file (with its line).
    public static func load(
        flag: String?, environment: [String: String] = ProcessInfo.processInfo.environment,
        currentDirectory: String = FileManager.default.currentDirectoryPath,
        executablePath: String = CommandLine.arguments.first ?? ""
    ) throws -> Located {
        let exeDir = URL(fileURLWithPath: executablePath).resolvingSymlinksInPath().deletingLastPathComponent().path
        let candidates = AdvicePolicySearch.candidates(
            flag: flag, environment: environment, currentDirectory: currentDirectory, executableDirectory: exeDir)
        for candidate in candidates {
            guard let adviceDir = adviceDirectory(candidate.directory), !(try yamlFiles(adviceDir)).isEmpty else {
                if candidate.required {
                    throw QSnapError(
                        .advicePolicy,
                        "\(candidate.origin) names \(candidate.directory), which holds no advice rule files (expected DIR/advice/*.yaml or DIR/*.yaml)"
                    )
                }
                continue
            }
            return Located(origin: "\(candidate.origin) \(adviceDir)", policies: try parse(adviceDir))
        }
        return Located(
            origin: "embedded",
            policies: try AdvicePolicyLoader.parse(
                files: try DefaultAdvicePolicies.files().map { (name: "embedded:\($0.name)", text: $0.text) }))
    }

    /// `dir/advice` when it exists, else `dir` when it holds YAML files directly, else `nil`.
    static func adviceDirectory(_ dir: String) -> String? {
        var isDir: ObjCBool = false
        let advice = (dir as NSString).appendingPathComponent("advice")
        if FileManager.default.fileExists(atPath: advice, isDirectory: &isDir), isDir.boolValue { return advice }
        if FileManager.default.fileExists(atPath: dir, isDirectory: &isDir), isDir.boolValue,
            let names = try? FileManager.default.contentsOfDirectory(atPath: dir),
            names.contains(where: { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") })
        {
            return dir
        }
        return nil
    }

    static func yamlFiles(_ dir: String) throws -> [String] {
        do {
            return try FileManager.default.contentsOfDirectory(atPath: dir)
                .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }
                .sorted()
                .map { (dir as NSString).appendingPathComponent($0) }
        } catch {
            throw QSnapError(.advicePolicy, "cannot list \(dir): \(error.localizedDescription)")
        }
    }

    static func parse(_ dir: String) throws -> [AdvicePolicy] {
        let files = try yamlFiles(dir).map { path -> (name: String, text: String) in
            guard let data = FileManager.default.contents(atPath: path) else {
                throw QSnapError(.advicePolicy, "\(path): cannot read the file")
            }
            guard let text = String(data: data, encoding: .utf8) else {
                throw QSnapError(.advicePolicy, "\(path):1: the file is not UTF-8 text")
            }
            return (path, text)
        }
        return try AdvicePolicyLoader.parse(files: files)
    }
}
