/// When cached temporary credentials must be replaced: a pure decision over their lifetime and the time.
///
/// Refresh is *advisory* from `expiration − min(advisoryWindow, lifetime / 2)`: one caller fetches new ones while
/// the others keep signing with the current ones (a failed fetch is retried after ``retryInterval``). It becomes
/// *mandatory* from `expiration − min(mandatoryWindow, lifetime / 10)`: every caller waits for new credentials and a
/// failure is an error. Halving short lifetimes keeps credentials that live only minutes from being re-fetched
/// on every request.
public struct AWSCredentialRefreshPolicy: Sendable, Hashable {
    /// The advisory window before expiry, seconds (default 5 minutes).
    public var advisoryWindow: Int64
    /// The mandatory window before expiry, seconds (default 1 minute).
    public var mandatoryWindow: Int64
    /// Seconds between attempts after a failed advisory refresh.
    public var retryInterval: Int64

    /// Creates a policy.
    public init(advisoryWindow: Int64 = 300, mandatoryWindow: Int64 = 60, retryInterval: Int64 = 10) {
        self.advisoryWindow = advisoryWindow
        self.mandatoryWindow = mandatoryWindow
        self.retryInterval = retryInterval
    }

    /// What to do with cached credentials.
    public enum Decision: Sendable, Hashable {
        /// Sign with them.
        case use
        /// Sign with them, and one caller should fetch new ones now.
        case refreshAdvised
        /// Fetch new ones before signing.
        case refreshRequired
    }

    /// Decides for `cached` at `now` (seconds since 1970); `lastFailure` is the time of the last failed fetch.
    public func decide(_ cached: AWSTemporaryCredentials?, now: Int64, lastFailure: Int64? = nil) -> Decision {
        guard let cached else { return .refreshRequired }
        guard let expiration = cached.expiration else { return .use }
        let lifetime = max(0, expiration - cached.obtainedAt)
        if now >= expiration - min(mandatoryWindow, lifetime / 10) { return .refreshRequired }
        if now >= expiration - min(advisoryWindow, lifetime / 2) {
            if let failed = lastFailure, now - failed < retryInterval { return .use }
            return .refreshAdvised
        }
        return .use
    }

    /// The moment the advisory refresh starts, seconds since 1970 (`nil` for credentials that do not expire).
    public func refreshTime(of cached: AWSTemporaryCredentials) -> Int64? {
        guard let expiration = cached.expiration else { return nil }
        return expiration - min(advisoryWindow, max(0, expiration - cached.obtainedAt) / 2)
    }
}
