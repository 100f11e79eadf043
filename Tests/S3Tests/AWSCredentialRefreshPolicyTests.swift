import QSnapCore
import Testing

@testable import S3

@Suite struct AWSCredentialRefreshPolicyTests {
    static let keys = SigV4Credentials(accessKeyID: "AK", secretAccessKey: "SK", sessionToken: "T")
    static func creds(obtained: Int64, expires: Int64?) -> AWSTemporaryCredentials {
        AWSTemporaryCredentials(credentials: keys, expiration: expires, obtainedAt: obtained)
    }
    let policy = AWSCredentialRefreshPolicy()

    @Test func nothingCachedMustBeFetched() {
        #expect(policy.decide(nil, now: 0) == .refreshRequired)
    }

    @Test func staticCredentialsNeverRefresh() {
        #expect(policy.decide(Self.creds(obtained: 0, expires: nil), now: 1_000_000_000) == .use)
    }

    @Test func oneHourCredentials() {
        let c = Self.creds(obtained: 0, expires: 3600)
        #expect(policy.decide(c, now: 3299) == .use)
        #expect(policy.decide(c, now: 3300) == .refreshAdvised)  // 5 min before
        #expect(policy.decide(c, now: 3539) == .refreshAdvised)
        #expect(policy.decide(c, now: 3540) == .refreshRequired)  // 1 min before
        #expect(policy.decide(c, now: 4000) == .refreshRequired)
        #expect(policy.refreshTime(of: c) == 3300)
    }

    @Test func shortLivedCredentialsUseHalfTheirLifetime() {
        let c = Self.creds(obtained: 100, expires: 120)  // 20 s
        #expect(policy.decide(c, now: 109) == .use)
        #expect(policy.decide(c, now: 110) == .refreshAdvised)
        #expect(policy.decide(c, now: 118) == .refreshRequired)  // lifetime / 10 = 2 s
    }

    @Test func failedAdvisoryRefreshWaitsBeforeTryingAgain() {
        let c = Self.creds(obtained: 0, expires: 3600)
        #expect(policy.decide(c, now: 3400, lastFailure: 3395) == .use)
        #expect(policy.decide(c, now: 3405, lastFailure: 3395) == .refreshAdvised)
        #expect(policy.decide(c, now: 3550, lastFailure: 3549) == .refreshRequired)
    }
}
