import Testing

@testable import QSnapCore

@Suite struct RetryPolicyTests {
    @Test func exponentialCeilingWithCap() {
        let p = RetryPolicy(maxAttempts: 6, baseDelay: 0.5, maxDelay: 3)
        #expect(p.ceiling(forAttempt: 1) == 0.5)
        #expect(p.ceiling(forAttempt: 2) == 1)
        #expect(p.ceiling(forAttempt: 3) == 2)
        #expect(p.ceiling(forAttempt: 4) == 3)
        #expect(p.ceiling(forAttempt: 60) == 3)
        #expect(p.ceiling(forAttempt: 1, throttled: true) == 2)
    }

    @Test func fullJitterIsDeterministicGivenTheRandomSource() {
        let p = RetryPolicy(maxAttempts: 5, baseDelay: 1, maxDelay: 100)
        #expect(p.delay(forAttempt: 3, random: { 0.25 }) == 1)
        #expect(p.delay(forAttempt: 3, random: { 0 }) == 0)
        #expect(p.delay(forAttempt: 1, random: { 0.5 }) == 0.5)
        #expect(p.delay(forAttempt: 2, random: { 7 }) == 2, "random values are clamped to [0, 1]")
        for attempt in 1...10 {
            let d = p.delay(forAttempt: attempt)
            #expect(d >= 0 && d <= p.ceiling(forAttempt: attempt))
        }
    }

    @Test func attemptBudget() {
        let p = RetryPolicy(maxAttempts: 3)
        #expect(p.shouldRetry(afterAttempt: 1))
        #expect(p.shouldRetry(afterAttempt: 2))
        #expect(!p.shouldRetry(afterAttempt: 3))
        #expect(!RetryPolicy.none.shouldRetry(afterAttempt: 1))
    }
}
