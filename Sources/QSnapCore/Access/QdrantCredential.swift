/// A credential for a Qdrant deployment, parsed once: a static api key (sent as `api-key`) or a JWT (sent as
/// `Authorization: Bearer`, with its claims read for permission checks), and where it came from (for messages; never
/// the secret).
public struct QdrantCredential: Sendable, Equatable {
    /// The secret itself: never printed or logged.
    public let secret: String
    /// The claims when the secret is a JWT.
    public let claims: JWTClaims?
    /// Where it came from, e.g. `$QDRANT_API_KEY` or `--api-key`.
    public let origin: String

    /// Parses `secret`; `nil` for an empty one.
    /// - Throws: `usage("qdrant.jwt")` for a JWT whose claims cannot be read.
    public init?(secret: String?, origin: String) throws {
        guard let secret, !secret.isEmpty else { return nil }
        self.secret = secret
        self.origin = origin
        claims = JWTClaims.looksLikeJWT(secret) ? try JWTClaims(token: secret) : nil
    }

    /// True for a JWT.
    public var isJWT: Bool { claims != nil }

    /// The request header that carries it.
    public var header: (name: String, value: String) {
        isJWT ? ("Authorization", "Bearer " + secret) : ("api-key", secret)
    }
}
