import Foundation

/// The claims of a Qdrant JWT (`jwt_rbac`), read without verifying the signature — only the server can, since it holds
/// the secret — so that qsnap can refuse an operation the token does not allow, or a token that has expired, before it
/// changes anything.
public struct JWTClaims: Sendable, Equatable {
    /// `exp`: seconds since 1970, if the token expires.
    public var expiresAt: Int64?
    /// The access the `access` claim grants (no claim: manage).
    public var access: QdrantAccessLevel

    /// True when `token` has the shape of a JWT: three base64url parts, the first a JSON header with an `alg`.
    public static func looksLikeJWT(_ token: String) -> Bool {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let header = decodePart(parts[0]) else { return false }
        return header["alg"]?.stringValue != nil
    }

    /// Reads the claims of `token`.
    /// - Throws: `usage("qdrant.jwt")` when the token is not a JWT or its claims are not Qdrant's.
    public init(token: String) throws {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let payload = Self.decodePart(parts[1]), payload.objectValue != nil else {
            throw QSnapError(.qdrantJwt, "the Qdrant key looks like a JWT but its claims cannot be read")
        }
        expiresAt = payload["exp"]?.doubleValue.map { Int64($0) }
        switch payload["access"] {
        case nil, .some(.null):
            access = .manage
        case .some(.string("m")):
            access = .manage
        case .some(.string("r")):
            access = .globalRead
        case .some(.array(let rules)):
            var out: [String: String] = [:]
            for rule in rules {
                guard let c = rule["collection"]?.stringValue, let a = rule["access"]?.stringValue,
                    ["r", "rw", "prw"].contains(a)
                else {
                    throw QSnapError(
                        .qdrantJwt, "the JWT's access claim has an entry qsnap cannot read: \(rule)")
                }
                out[c] = a
            }
            access = .collections(out)
        default:
            throw QSnapError(
                .qdrantJwt, "the JWT's access claim is neither \"r\", \"m\" nor a list of collection rules")
        }
    }

    /// True when the token expired before `now` (Qdrant allows 30 s of leeway).
    public func isExpired(now: Date) -> Bool {
        guard let expiresAt else { return false }
        return Double(expiresAt) + 30 < now.timeIntervalSince1970
    }

    static func decodePart<S: StringProtocol>(_ part: S) -> JSONValue? {
        var text = part.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while text.count % 4 != 0 { text += "=" }
        guard let data = Data(base64Encoded: text) else { return nil }
        return try? JSONValue.parse(data)
    }
}
