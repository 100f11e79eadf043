import Foundation
import QSnapCore

/// The default advice rule files, shipped as package resources so `qsnap advise` works without a `policies/`
/// directory.
///
/// The files are `Sources/QSnapAdvice/Resources/advice/*.yaml` (`policies/advice` is a link to that directory),
/// copied by SwiftPM into the `qsnap_QSnapAdvice.resources` bundle beside the built binary (`make install` puts the
/// bundle beside the installed one). They are read when asked for, not compiled in: there is no second copy.
public enum DefaultAdvicePolicies {
    /// The advice directory inside the resource bundle.
    public static var directory: URL? { Bundle.module.url(forResource: "advice", withExtension: nil) }

    /// `(file name, YAML text)` pairs of the default rule files, in name order (their evaluation order).
    /// - Throws: `QSnapError` `.adviceDefaults` when the resource bundle or a file in it cannot be read.
    public static func files() throws -> [(name: String, text: String)] {
        guard let directory else {
            throw QSnapError(
                .adviceDefaults,
                "the default advice rules are missing from \(Bundle.module.bundlePath); reinstall qsnap or pass --policies DIR"
            )
        }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory.path)
                .filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }
                .sorted()
        } catch {
            throw QSnapError(
                .adviceDefaults,
                "cannot list the default advice rules in \(directory.path): \(error.localizedDescription)")
        }
        guard !names.isEmpty else {
            throw QSnapError(
                .adviceDefaults,
                "\(directory.path) holds no default advice rules; reinstall qsnap or pass --policies DIR")
        }
        return try names.map { name in
            do {
                return (name, try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8))
            } catch {
                throw QSnapError(
                    .adviceDefaults,
                    "cannot read the default advice rule file \(directory.path)/\(name): \(error.localizedDescription)")
            }
        }
    }
}
