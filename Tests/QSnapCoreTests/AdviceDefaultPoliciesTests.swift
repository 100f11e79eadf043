import Foundation
import Testing

@testable import QSnapCore

/// The embedded defaults are byte-identical to `policies/advice/*.yaml`, so they cannot drift.
@Suite struct AdviceDefaultPoliciesTests {
    static let adviceDir = AdviceTestSupport.repoRoot.appendingPathComponent("policies/advice")

    static func yamlFiles() throws -> [(name: String, text: String)] {
        try FileManager.default.contentsOfDirectory(atPath: adviceDir.path)
            .filter { $0.hasSuffix(".yaml") }
            .sorted()
            .map { ($0, try String(contentsOf: adviceDir.appendingPathComponent($0), encoding: .utf8)) }
    }

    /// The Swift source of `DefaultAdvicePolicies.swift` for `files`.
    static func swiftSource(_ files: [(name: String, text: String)]) -> String {
        var lines = [
            "/// The default advice rule files, embedded so `qsnap advise` works without a `policies/` directory.",
            "///",
            "/// Generated from `policies/advice/*.yaml`, which stay the source of truth; `AdviceDefaultPoliciesTests`",
            "/// fails when the two differ. Regenerate after editing the YAML:",
            "/// `QSNAP_REGENERATE_ADVICE_DEFAULTS=1 swift test --filter AdviceDefaultPoliciesTests`.",
            "public enum DefaultAdvicePolicies {",
            "    /// `(file name, YAML text)` pairs in evaluation order.",
            "    public static let files: [(name: String, text: String)] = [",
        ]
        for f in files {
            lines += ["        (", "            \"\(f.name)\",", "            #\"\"\"", f.text + "\"\"\"#", "        ),"]
        }
        lines += ["    ]", "}"]
        return lines.joined(separator: "\n") + "\n"
    }

    @Test func embeddedDefaultsMatchTheYAMLFiles() throws {
        let files = try Self.yamlFiles()
        #expect(!files.isEmpty)
        let swiftFile = AdviceTestSupport.repoRoot.appendingPathComponent("Sources/QSnapCore/Advice/DefaultAdvicePolicies.swift")
        if ProcessInfo.processInfo.environment["QSNAP_REGENERATE_ADVICE_DEFAULTS"] == "1" {
            try Self.swiftSource(files).write(to: swiftFile, atomically: true, encoding: .utf8)
        }
        #expect(DefaultAdvicePolicies.files.map(\.name) == files.map(\.name))
        for (embedded, file) in zip(DefaultAdvicePolicies.files, files) {
            #expect(embedded.text + "\n" == file.text,
                "\(file.name) differs from the embedded copy; run QSNAP_REGENERATE_ADVICE_DEFAULTS=1 swift test --filter AdviceDefaultPoliciesTests")
        }
        #expect(try String(contentsOf: swiftFile, encoding: .utf8) == Self.swiftSource(files))
    }

    @Test func yamlFilesLoad() throws {
        let policies = try AdvicePolicyLoader.parse(files: try Self.yamlFiles())
        #expect(policies.map(\.domain) == ["embedding", "migration"])
        for p in policies { #expect(p.version == AdvicePolicy.supportedVersion) }
    }
}
