import Foundation
import Testing

@testable import QSnapAdvice

/// The default rule files come from the resource bundle, which holds exactly the files of `policies/advice/`
/// (a link to `Sources/QSnapAdvice/Resources/advice/`): one source, nothing generated.
@Suite struct AdviceDefaultPoliciesTests {
    static let adviceDir = AdviceTestSupport.repoRoot.appendingPathComponent("policies/advice")

    static func yamlFiles() throws -> [(name: String, text: String)] {
        try FileManager.default.contentsOfDirectory(atPath: adviceDir.path)
            .filter { $0.hasSuffix(".yaml") }
            .sorted()
            .map { ($0, try String(contentsOf: adviceDir.appendingPathComponent($0), encoding: .utf8)) }
    }

    @Test func policiesAdviceIsTheResourceDirectory() throws {
        let link = try FileManager.default.destinationOfSymbolicLink(atPath: Self.adviceDir.path)
        #expect(link == "../Sources/QSnapAdvice/Resources/advice")
    }

    @Test func bundledDefaultsAreThePolicyFiles() throws {
        let files = try Self.yamlFiles()
        let bundled = try DefaultAdvicePolicies.files()
        #expect(!files.isEmpty)
        #expect(bundled.map(\.name) == files.map(\.name))
        for (b, file) in zip(bundled, files) {
            #expect(
                b.text == file.text,
                "\(file.name) differs from the bundled copy; rebuild (swift build copies the resources)")
        }
        #expect(DefaultAdvicePolicies.directory?.path.contains("qsnap_QSnapAdvice.resources") == true)
    }

    @Test func yamlFilesLoad() throws {
        let policies = try AdvicePolicyLoader.parse(files: try DefaultAdvicePolicies.files())
        #expect(policies.map(\.domain) == ["embedding", "migration"])
        for p in policies { #expect(p.version == AdvicePolicy.supportedVersion) }
    }
}
