import QSnapCore

/// Credentials as a source handed them out: the keys, when they expire (`nil`: never) and when they were obtained.
public struct AWSTemporaryCredentials: Sendable, Hashable {
    /// The keys (and session token).
    public var credentials: SigV4Credentials
    /// The expiry, seconds since 1970, `nil` for credentials that do not expire.
    public var expiration: Int64?
    /// When they were obtained, seconds since 1970.
    public var obtainedAt: Int64

    /// Creates the value.
    public init(credentials: SigV4Credentials, expiration: Int64?, obtainedAt: Int64) {
        self.credentials = credentials
        self.expiration = expiration
        self.obtainedAt = obtainedAt
    }
}
