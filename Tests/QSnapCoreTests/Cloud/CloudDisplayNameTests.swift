import Testing

@testable import QSnapCore

/// Display names: `^[a-zA-Z0-9-_]{4,64}$`, checked before any call.
@Suite struct CloudDisplayNameTests {
    @Test func validNames() throws {
        for name in ["abcd", "nightly-2026-01-02", "before_upgrade", "A1-_", String(repeating: "x", count: 64)] {
            #expect(CloudDisplayName.isValid(name), "\(name)")
            #expect(try CloudDisplayName.validate(name) == name)
        }
    }

    @Test func invalidNames() {
        for name in [
            "abc", "", String(repeating: "x", count: 65), "has space", "dots.no", "ümlaut", "slash/no", "a\nbcd",
        ] {
            #expect(!CloudDisplayName.isValid(name), "\(name)")
        }
        #expect(throws: QSnapError.self) { try CloudDisplayName.validate("ab") }
        do {
            try CloudDisplayName.validate("x y", flag: "--name")
        } catch let error as QSnapError {
            #expect(error.code == .cloudName)
            #expect(error.message.contains("--name 'x y'") && error.message.contains("4 to 64"))
        } catch {
            Issue.record("\(error)")
        }
    }
}
