import Foundation
import Testing

@testable import QSnapCore

@Suite struct ForgetGateTests {
    static func at(_ day: Int) -> Date { UTCCivilTime.parseISO8601(String(format: "2026-10-%02dT12:00:00Z", day))! }

    static let backups = [
        RetentionBackup(id: "b1", time: at(1), verified: true),
        RetentionBackup(id: "b2", time: at(2), verified: true, pinned: true),
        RetentionBackup(id: "b3", time: at(3), verified: true),
        RetentionBackup(id: "b4", time: at(4), verified: false, tags: ["release"]),
    ]

    @Test func plainBackupsMayBeForgotten() throws {
        #expect(ForgetGate.refusals(forgetting: ["b1", "b4"], among: Self.backups).isEmpty)
        #expect(try ForgetGate.check(forgetting: ["b1", "b4"], among: Self.backups, force: false).isEmpty)
    }

    @Test func pinnedAndNewestVerifiedAreProtected() {
        let refusals = ForgetGate.refusals(forgetting: ["b2", "b3", "b1"], among: Self.backups)
        #expect(refusals == [.init(id: "b2", protection: .pinned), .init(id: "b3", protection: .newestVerified)])
    }

    @Test func refusesWithoutForceNamingTheFlag() {
        do {
            try ForgetGate.check(forgetting: ["b1", "b2"], among: Self.backups, force: false)
            Issue.record("expected a refusal")
        } catch let error as QSnapError {
            #expect(error.code == .forgetProtected)
            #expect(error.message.contains("b2 is pinned") && error.message.contains("--force"))
            #expect(!error.message.contains("b1"))
        } catch {
            Issue.record("unexpected \(error)")
        }
    }

    @Test func forceReturnsWhatItOverrode() throws {
        let forced = try ForgetGate.check(forgetting: ["b3"], among: Self.backups, force: true)
        #expect(forced == [.init(id: "b3", protection: .newestVerified)])
    }

    @Test func newestVerifiedTiesBreakByIdDescending() {
        let tied = [RetentionBackup(id: "x1", time: Self.at(5)), RetentionBackup(id: "x2", time: Self.at(5))]
        #expect(ForgetGate.refusals(forgetting: ["x2"], among: tied).map(\.protection) == [.newestVerified])
        #expect(ForgetGate.refusals(forgetting: ["x1"], among: tied).isEmpty)
        #expect(
            ForgetGate.refusals(
                forgetting: ["x2"],
                among: tied.map {
                    var b = $0; b.verified = false; return b
                }
            ).isEmpty)
    }
}
