import Foundation
import QSnapCore
import Synchronization
import Testing

@testable import S3

@Suite struct AWSCredentialProviderTests {
    /// A settable clock and a fake source that hands out key N on its N-th fetch, valid for `lifetime` seconds.
    final class Fake: Sendable {
        let now = Mutex<Int64>(1000)
        let fetches = Mutex<[String]>([])
        let failing = Mutex(false)
        let lifetime: Int64
        init(lifetime: Int64 = 3600) { self.lifetime = lifetime }

        func provider(
            _ source: AWSCredentialSource = .webIdentity(
                .init(
                    roleARN: "arn", sessionName: "s", tokenFile: "/t", stsEndpoint: "http://sts", profile: nil))
        ) -> AWSCredentialProvider {
            AWSCredentialProvider(source: source, clock: { self.now.withLock { $0 } }) { source, base in
                if self.failing.withLock({ $0 }) { throw S3Error(.credentialsUnavailable, "STS down") }
                let signing = try await base?.credentials().accessKeyID
                let n = self.fetches.withLock { list -> Int in
                    list.append("\(source.kind.rawValue)\(signing.map { " signed by \($0)" } ?? "")")
                    return list.count
                }
                let t = self.now.withLock { $0 }
                return AWSTemporaryCredentials(
                    credentials: SigV4Credentials(
                        accessKeyID: "ASIA\(n)", secretAccessKey: "secret-\(n)", sessionToken: "token-\(n)"),
                    expiration: t + self.lifetime, obtainedAt: t)
            }
        }
    }

    @Test func fetchesOnceThenCaches() async throws {
        let fake = Fake()
        let p = fake.provider()
        #expect(try await p.credentials().accessKeyID == "ASIA1")
        fake.now.withLock { $0 += 3000 }
        #expect(try await p.credentials().accessKeyID == "ASIA1")
        #expect(p.fetchCount == 1)
    }

    @Test func refreshesFiveMinutesBeforeExpiry() async throws {
        let fake = Fake()
        let p = fake.provider()
        _ = try await p.credentials()
        fake.now.withLock { $0 += 3600 - 299 }
        await #expect(try await p.credentials().accessKeyID == "ASIA2")
        #expect(p.redact("x secret-1 token-2 y") == "x *** *** y")
    }

    @Test func advisoryFailureKeepsTheCurrentCredentialsMandatoryFailureThrows() async throws {
        let fake = Fake()
        let p = fake.provider()
        _ = try await p.credentials()
        fake.failing.withLock { $0 = true }
        fake.now.withLock { $0 += 3600 - 200 }
        await #expect(try await p.credentials().accessKeyID == "ASIA1")
        fake.now.withLock { $0 += 170 }  // 30 s before expiry
        await #expect(throws: S3Error.self) { try await p.credentials() }
        fake.failing.withLock { $0 = false }
        await #expect(try await p.credentials().accessKeyID == "ASIA2")
    }

    @Test func invalidateAfterExpiredTokenFetchesNewOnes() async throws {
        let fake = Fake()
        let p = fake.provider()
        let first = try await p.credentials()
        #expect(p.invalidate(first))
        await #expect(try await p.credentials().accessKeyID == "ASIA2")
        // A stale rejection (credentials already replaced) does not drop the new ones.
        p.invalidate(first)
        await #expect(try await p.credentials().accessKeyID == "ASIA2")
    }

    @Test func staticKeysAreNeverFetched() async throws {
        let fake = Fake()
        let keys = SigV4Credentials(accessKeyID: "AKENV", secretAccessKey: "s")
        let p = fake.provider(.environment(keys))
        await #expect(try await p.credentials() == keys)
        #expect(!p.invalidate(keys))
        #expect(fake.fetches.withLock { $0 }.isEmpty)
    }

    @Test func assumeRoleSignsWithTheSourceCredentials() async throws {
        let fake = Fake()
        let role = AWSCredentialSource.assumeRole(
            .init(
                profile: "deploy", roleARN: "arn", sessionName: "s", externalID: nil, durationSeconds: nil,
                source: .profile(
                    name: "base", credentials: SigV4Credentials(accessKeyID: "AKBASE", secretAccessKey: "b")),
                stsEndpoint: "http://sts", stsRegion: "us-east-1"))
        await #expect(try await fake.provider(role).credentials().accessKeyID == "ASIA1")
        #expect(fake.fetches.withLock { $0 } == ["assume-role signed by AKBASE"])
    }

    @Test func concurrentCallersShareOneFetch() async throws {
        let fake = Fake()
        let p = fake.provider()
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<16 { group.addTask { _ = try? await p.credentials() } }
        }
        #expect(p.fetchCount == 1)
    }
}
