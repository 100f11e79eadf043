import Foundation
import Testing

@testable import QSnapCore

@Suite struct JWTClaimsTests {
    /// An unsigned-shape token with `claims` (the signature is never checked client-side).
    static func token(_ claims: String) -> String {
        func b64(_ s: String) -> String {
            Data(s.utf8).base64EncodedString().replacingOccurrences(of: "+", with: "-")
                .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        }
        return b64(#"{"alg":"HS256","typ":"JWT"}"#) + "." + b64(claims) + ".c2ln"
    }

    @Test func accessClaims() throws {
        #expect(try JWTClaims(token: Self.token("{}")).access == .manage)  // no access claim: manage
        #expect(try JWTClaims(token: Self.token(#"{"access":"m"}"#)).access == .manage)
        #expect(try JWTClaims(token: Self.token(#"{"access":"r"}"#)).access == .globalRead)
        let list = try JWTClaims(
            token: Self.token(
                #"{"access":[{"collection":"a","access":"rw"},{"collection":"b","access":"r"}],"exp":100}"#))
        #expect(list.access == .collections(["a": "rw", "b": "r"]))
        #expect(list.expiresAt == 100)
        #expect(list.access.canWrite("a") && !list.access.canWrite("b") && !list.access.canManage)
        #expect(list.access.canRead("b") && !list.access.canRead("c"))
        #expect(throws: QSnapError.self) { try JWTClaims(token: Self.token(#"{"access":"x"}"#)) }
    }

    @Test func expiryHasQdrantsLeeway() throws {
        let claims = try JWTClaims(token: Self.token(#"{"exp":1000}"#))
        #expect(!claims.isExpired(now: Date(timeIntervalSince1970: 1020)))
        #expect(claims.isExpired(now: Date(timeIntervalSince1970: 1031)))
        #expect(!(try JWTClaims(token: Self.token("{}"))).isExpired(now: Date()))
    }

    @Test func credentialsPickTheirHeader() throws {
        let jwt = try #require(try QdrantCredential(secret: Self.token(#"{"access":"r"}"#), origin: "$K"))
        #expect(jwt.isJWT && jwt.header.name == "Authorization" && jwt.header.value.hasPrefix("Bearer "))
        let key = try #require(try QdrantCredential(secret: "plain-key-123", origin: "--api-key"))
        #expect(!key.isJWT && key.header == ("api-key", "plain-key-123"))
        #expect(try QdrantCredential(secret: "", origin: "x") == nil)
        #expect(try QdrantCredential(secret: nil, origin: "x") == nil)
        #expect(!JWTClaims.looksLikeJWT("a.b.c"))  // not base64 JSON with an alg
    }
}
