import Testing

@testable import QSnapCore

@Suite struct RestoreStateMachineTests {
    @Test func happyPath() {
        var m = RestoreStateMachine()
        #expect(m.event(.start) == .cleanStale)
        #expect(m.event(.cleaned) == .recoverNext)
        #expect(m.event(.recovered(remaining: 2)) == .recoverNext)
        #expect(m.state == .recovering(done: 1))
        #expect(m.event(.recovered(remaining: 1)) == .recoverNext)
        #expect(m.event(.recovered(remaining: 0)) == .verify)
        #expect(m.event(.verified) == .switchAliases)
        #expect(m.event(.switched) == .finish)
        #expect(m.state == .done)
    }

    @Test(arguments: [0, 1, 2])
    func anyFailureBeforeTheSwitchDeletesStaging(at stage: Int) {
        var m = RestoreStateMachine()
        _ = m.event(.start)
        _ = m.event(.cleaned)
        if stage >= 1 { _ = m.event(.recovered(remaining: 0)) }
        if stage >= 2 { _ = m.event(.verified) }
        #expect(m.event(.failed("boom")) == .deleteStaging)
        #expect(m.state == .rollingBack(reason: "boom"))
        #expect(m.event(.stagingDeleted) == .fail("boom"))
        #expect(m.state == .failed(reason: "boom"))
    }

    @Test func failedCleanupIsReportedWithTheCause() {
        var m = RestoreStateMachine()
        _ = m.event(.start)
        _ = m.event(.cleaned)
        _ = m.event(.failed("upload failed"))
        #expect(m.event(.failed("delete failed")) == .fail("upload failed; cleaning up also failed: delete failed"))
    }

    @Test func failingToCleanStaleCollectionsTouchesNothing() {
        var m = RestoreStateMachine()
        _ = m.event(.start)
        #expect(m.event(.failed("no access")) == .fail("no access"))
    }

    @Test func outOfOrderEventsAreInvalid() {
        var m = RestoreStateMachine()
        #expect(m.event(.verified) == .invalid)
        #expect(m.event(.switched) == .invalid)
        #expect(m.state == .planned)
        _ = m.event(.start)
        #expect(m.event(.switched) == .invalid)
    }
}
