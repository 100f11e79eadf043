import Foundation
import Testing

@testable import QSnapCore

@Suite struct CancellationFlagTests {
    @Test func aFlagIsRaisedOnceForGoodAndSeenByOtherThreads() async {
        let flag = CancellationFlag()
        #expect(!flag.isCancelled)
        await Task.detached { flag.cancel() }.value  // raised on another thread
        #expect(flag.isCancelled)
        flag.cancel()
        #expect(flag.isCancelled)
        let error = CancellationFlag.cancelledError("GET backups/x")
        #expect(error.code == .failure("cancelled"))
        #expect(error.message == "GET backups/x was cancelled")
    }
}
