import QSnapCore
import Testing

@testable import QSnapAdvice

/// Where rule files are looked for.
@Suite struct AdvicePolicySearchTests {
    @Test func flagWinsAndIsRequired() {
        let c = AdvicePolicySearch.candidates(
            flag: "/etc/qsnap", environment: ["QSNAP_POLICIES": "/env"], currentDirectory: "/work",
            executableDirectory: "/usr/bin")
        #expect(c == [.init(directory: "/etc/qsnap", origin: "--policies", required: true)])
    }

    @Test func environmentBeforeDefaults() {
        let c = AdvicePolicySearch.candidates(
            flag: nil, environment: ["QSNAP_POLICIES": "/env"], currentDirectory: "/work",
            executableDirectory: "/usr/bin")
        #expect(c == [.init(directory: "/env", origin: "QSNAP_POLICIES", required: true)])
    }

    @Test func currentDirectoryThenInstallation() {
        let c = AdvicePolicySearch.candidates(
            flag: nil, environment: [:], currentDirectory: "/work/", executableDirectory: "/opt/qsnap/bin")
        #expect(
            c == [
                .init(directory: "/work/policies", origin: "current directory", required: false),
                .init(directory: "/opt/qsnap/share/qsnap/policies", origin: "installation", required: false),
            ])
    }
}
