import Foundation
import HTTP
import Logging
import QSnapCore
import Synchronization

/// The credentials of one ``AWSCredentialSource``, cached and refreshed before they expire; shared by every request
/// of a client (and thread-safe), so each request — every part of a multi-hour multipart upload included — signs
/// with the current credentials.
///
/// Refresh follows ``AWSCredentialRefreshPolicy``: ahead of expiry one caller fetches while the others keep signing;
/// at the last moment everyone waits. Static keys are never fetched.
public final class AWSCredentialProvider: Sendable {
    /// Where the credentials come from.
    public let source: AWSCredentialSource
    /// When to refresh.
    public let policy: AWSCredentialRefreshPolicy
    private let fetch: @Sendable (AWSCredentialSource, AWSCredentialProvider?) async throws -> AWSTemporaryCredentials
    private let clock: @Sendable () -> Int64
    private let logger: Logger
    private let onSecret: @Sendable (String) -> Void
    private let base: AWSCredentialProvider?
    private let state = Mutex<State>(State())

    private struct State {
        var cached: AWSTemporaryCredentials?
        /// The fetch in flight: one at a time, awaited by every caller that needs its result.
        var refreshing: Task<AWSTemporaryCredentials, any Error>?
        var lastFailure: Int64?
        var redactor = Redactor()
        var fetches = 0
    }

    /// Creates a provider that fetches with `fetch` (tests inject one; the other initialiser uses the network).
    /// - Parameters:
    ///   - source: the source.
    ///   - policy: when to refresh.
    ///   - clock: seconds since 1970.
    ///   - logger: receives which source supplied the credentials (never a secret).
    ///   - onSecret: receives every secret obtained (keys, tokens), to register them for redaction.
    ///   - fetch: fetches once from a source; the second argument supplies the signing credentials of `AssumeRole`.
    public init(
        source: AWSCredentialSource, policy: AWSCredentialRefreshPolicy = AWSCredentialRefreshPolicy(),
        clock: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970) },
        logger: Logger = Logger(label: "qsnap.s3"), onSecret: @escaping @Sendable (String) -> Void = { _ in },
        fetch: @escaping @Sendable (AWSCredentialSource, AWSCredentialProvider?) async throws -> AWSTemporaryCredentials
    ) {
        self.source = source
        self.policy = policy
        self.clock = clock
        self.logger = logger
        self.onSecret = onSecret
        self.fetch = fetch
        if case .assumeRole(let role) = source {
            base = AWSCredentialProvider(
                source: role.source, policy: policy, clock: clock, logger: logger, onSecret: onSecret, fetch: fetch)
        } else {
            base = nil
        }
        if case .fixed(let c) = source { seed(c) }
        if case .environment(let c) = source { seed(c) }
        if case .profile(_, let c) = source { seed(c) }
    }

    /// Creates a provider that fetches over the network (STS, container endpoint, IMDS) or runs `credential_process`.
    /// - Parameters:
    ///   - caBundlePath: CA certificates for an `https://` STS or container endpoint (`AWS_CA_BUNDLE`).
    ///   - readFile: reads token files (re-read at every refresh).
    public convenience init(
        source: AWSCredentialSource, policy: AWSCredentialRefreshPolicy = AWSCredentialRefreshPolicy(),
        userAgent: String = "qsnap", caBundlePath: String? = nil, logger: Logger = Logger(label: "qsnap.s3"),
        onSecret: @escaping @Sendable (String) -> Void = { _ in },
        readFile: @escaping @Sendable (String) -> String? = { try? String(contentsOfFile: $0, encoding: .utf8) }
    ) {
        let fetcher = AWSCredentialFetcher(
            http: HTTPClient(userAgent: userAgent, maxPooledHandles: 2, caBundlePath: caBundlePath), logger: logger,
            readFile: readFile, onSecret: onSecret)
        self.init(source: source, policy: policy, logger: logger, onSecret: onSecret) { source, base in
            try await fetcher.fetch(source, base: base)
        }
    }

    /// A provider of fixed keys.
    public convenience init(fixed credentials: SigV4Credentials) {
        self.init(source: .fixed(credentials)) { _, _ in
            AWSTemporaryCredentials(credentials: credentials, expiration: nil, obtainedAt: 0)
        }
    }

    private func seed(_ credentials: SigV4Credentials) {
        state.withLock {
            $0.cached = AWSTemporaryCredentials(credentials: credentials, expiration: nil, obtainedAt: clock())
            for secret in credentials.secrets { $0.redactor.add(secret) }
        }
    }

    /// The credentials to sign the next request with, fetched or refreshed first when the policy says so.
    /// - Throws: an ``S3Error`` `s3.credentials-unavailable` naming the source when new credentials are needed and
    ///   cannot be had.
    public func credentials() async throws -> SigV4Credentials { try await current().credentials }

    /// The current credentials with their expiry (for reports: `qsnap doctor`).
    public func current() async throws -> AWSTemporaryCredentials {
        let now = clock()
        let (cached, decision, inFlight) = state.withLock { s in
            (s.cached, policy.decide(s.cached, now: now, lastFailure: s.lastFailure), s.refreshing)
        }
        switch decision {
        case .use:
            return cached!
        case .refreshAdvised:
            guard inFlight == nil else { return cached! }  // someone else is refreshing
            do {
                return try await refresh(replacing: cached).value
            } catch {
                let until = cached!.expiration.map { AmzDate(secondsSince1970: $0).iso8601 } ?? "?"
                logger.notice(
                    "refreshing the S3 credentials from \(source) failed (\(redact("\(error)"))); signing with the current ones, valid until \(until)"
                )
                return cached!
            }
        case .refreshRequired:
            return try await refresh(replacing: cached).value
        }
    }

    /// The fetch in flight, or a new one. A single shared task (not a child of the caller): every caller that needs
    /// new credentials awaits the same fetch, and a caller's cancellation does not fail the others' fetch.
    private func refresh(replacing old: AWSTemporaryCredentials?) -> Task<AWSTemporaryCredentials, any Error> {
        state.withLock { s in
            if let running = s.refreshing { return running }
            let task = Task { try await self.fetchNow(replacing: old) }
            s.refreshing = task
            return task
        }
    }

    /// Fetches now (one fetch at a time: ``refresh(replacing:)``).
    private func fetchNow(replacing old: AWSTemporaryCredentials?) async throws -> AWSTemporaryCredentials {
        let started = clock()
        do {
            let fresh = try await fetch(source, base)
            for secret in fresh.credentials.secrets { onSecret(secret) }
            state.withLock {
                $0.cached = fresh
                $0.lastFailure = nil
                $0.fetches += 1
                $0.refreshing = nil
                for secret in fresh.credentials.secrets { $0.redactor.add(secret) }
            }
            let expiry = fresh.expiration.map { ", valid until \(AmzDate(secondsSince1970: $0).iso8601)" } ?? ""
            logger.debug(
                "S3 credentials \(old == nil ? "from" : "refreshed from") \(source): access key \(fresh.credentials.accessKeyID)\(expiry)"
            )
            return fresh
        } catch {
            state.withLock {
                $0.lastFailure = started
                $0.refreshing = nil
            }
            throw error
        }
    }

    /// Drops the cached credentials if they are still `rejected` (the store answered `ExpiredToken`), so the next
    /// ``credentials()`` fetches new ones. Returns whether new credentials can be had (the source is fetched).
    @discardableResult
    public func invalidate(_ rejected: SigV4Credentials) -> Bool {
        guard source.isFetched else { return false }
        state.withLock { if $0.cached?.credentials == rejected { $0.cached = nil } }
        return true
    }

    /// How many times credentials were fetched (refreshes included).
    public var fetchCount: Int { state.withLock { $0.fetches } }

    /// `text` with every secret this provider has handed out masked.
    public func redact(_ text: String) -> String {
        let own = state.withLock { $0.redactor }.redact(text)
        return base?.redact(own) ?? own
    }
}
