import QSnapCore
import Synchronization

/// Signs requests with AWS Signature Version 4 (`AWS4-HMAC-SHA256`): header signing, presigned query signing and
/// aws-chunked chunk signatures. Pure computation (OpenSSL SHA-256/HMAC); safe to share between threads.
///
/// The canonical URI is the request's encoded path taken verbatim (S3 rules: encoded once, never normalised)
/// unless ``normalizePath`` is set (other services, and the generic AWS test suite).
public struct SigV4Signer: Sendable {
    /// SHA-256 of the empty string, the payload hash of a request without a body.
    public static let emptyPayloadHash = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
    /// The payload hash value for a body that is not signed (presigned URLs, or TLS with another checksum).
    public static let unsignedPayload = "UNSIGNED-PAYLOAD"
    /// The payload hash value of an aws-chunked upload with chunk signatures.
    public static let streamingPayload = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
    /// The longest expiry a presigned URL may have: 7 days.
    public static let maximumPresignExpiry = 604_800

    /// How a session token of temporary credentials is attached.
    public enum SessionTokenMode: Sendable {
        /// Added as `x-amz-security-token` (or `X-Amz-Security-Token`) and signed: what S3 expects.
        case signed
        /// Added after signing, not covered by the signature (some services).
        case appendedAfterSigning
    }

    /// The credentials.
    public let credentials: SigV4Credentials
    /// The signing region, e.g. `us-east-1` (or `auto` for Cloudflare R2).
    public let region: String
    /// The service name, `s3` for S3.
    public let service: String
    /// Remove dot segments and merge slashes in the canonical URI. Must be `false` for S3.
    public let normalizePath: Bool
    private let cache: SigningKeyCache

    /// Creates a signer.
    /// - Parameters:
    ///   - credentials: access key, secret and optional session token.
    ///   - region: the signing region of the credential scope.
    ///   - service: the service name (`s3`).
    ///   - normalizePath: normalise the canonical URI (never for S3).
    public init(credentials: SigV4Credentials, region: String, service: String = "s3", normalizePath: Bool = false) {
        self.credentials = credentials
        self.region = region
        self.service = service
        self.normalizePath = normalizePath
        self.cache = SigningKeyCache()
    }

    /// `yyyymmdd/region/service/aws4_request`.
    public func scope(at date: AmzDate) -> String { "\(date.dateStamp)/\(region)/\(service)/aws4_request" }

    /// The derived signing key for the day of `date` (cached per day, region and service).
    public func signingKey(at date: AmzDate) -> [UInt8] {
        let stamp = date.dateStamp
        if let key = cache.key(for: stamp) { return key }
        let key = SigV4Signer.deriveSigningKey(
            secret: credentials.secretAccessKey, dateStamp: stamp, region: region, service: service)
        cache.store(key, for: stamp)
        return key
    }

    /// `HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request")`.
    public static func deriveSigningKey(secret: String, dateStamp: String, region: String, service: String) -> [UInt8] {
        let kDate = HMACSHA256.authenticate(key: Array(("AWS4" + secret).utf8), string: dateStamp)
        let kRegion = HMACSHA256.authenticate(key: kDate, string: region)
        let kService = HMACSHA256.authenticate(key: kRegion, string: service)
        return HMACSHA256.authenticate(key: kService, string: "aws4_request")
    }

    /// Canonical headers (`name:value\n` each) and the signed-header list, from headers in request order.
    ///
    /// Names are lower-cased; values trimmed with inner runs of whitespace squeezed to one space; repeated names
    /// joined with `,` in request order; sorted by name.
    public static func canonicalHeaders(_ headers: [(name: String, value: String)]) -> (text: String, signed: String) {
        var order: [String] = []
        var values: [String: [String]] = [:]
        for (name, value) in headers {
            let lower = name.lowercased()
            if values[lower] == nil { order.append(lower) }
            values[lower, default: []].append(squeeze(value))
        }
        let names = order.sorted()
        let text = names.map { "\($0):\(values[$0]!.joined(separator: ","))\n" }.joined()
        return (text, names.joined(separator: ";"))
    }

    private static func squeeze(_ value: String) -> String {
        var out = ""
        var pendingSpace = false
        for c in value.unicodeScalars {
            if c == " " || c == "\t" || c == "\n" || c == "\r" {
                pendingSpace = !out.isEmpty
            } else {
                if pendingSpace { out.unicodeScalars.append(" ") }
                pendingSpace = false
                out.unicodeScalars.append(c)
            }
        }
        return out
    }

    private func canonicalURI(_ request: SigV4Request) -> String {
        let path = request.encodedPath.isEmpty ? "/" : request.encodedPath
        return normalizePath ? SigV4Encoding.normalizePath(path) : path
    }

    private func stringToSign(canonicalRequest: String, at date: AmzDate) -> String {
        "AWS4-HMAC-SHA256\n\(date.amzDate)\n\(scope(at: date))\n\(Digest.sha256Hex(canonicalRequest))"
    }

    private func sign(_ stringToSign: String, at date: AmzDate) -> String {
        Hex.encode(HMACSHA256.authenticate(key: signingKey(at: date), string: stringToSign))
    }

    /// Signs with an `Authorization` header.
    /// - Parameters:
    ///   - request: method, encoded path, decoded query, headers to sign (with `host`) and payload hash.
    ///   - date: the signing time (already corrected for clock skew).
    ///   - addContentSHA256: also send and sign `x-amz-content-sha256` (S3 requires it).
    ///   - sessionToken: how a session token is attached.
    /// - Returns: the headers to add and the intermediate texts.
    public func signHeaders(
        _ request: SigV4Request, at date: AmzDate, addContentSHA256: Bool = true,
        sessionToken: SessionTokenMode = .signed
    ) -> SigV4Signature {
        var added: [SigV4Signature.HTTPHeaderField] = [.init(name: "x-amz-date", value: date.amzDate)]
        if let token = credentials.sessionToken {
            added.append(.init(name: "x-amz-security-token", value: token))
        }
        if addContentSHA256 { added.append(.init(name: "x-amz-content-sha256", value: request.payloadHash)) }
        var toSign = request.headers
        for field in added where !(field.name == "x-amz-security-token" && sessionToken == .appendedAfterSigning) {
            toSign.append((field.name, field.value))
        }
        let (text, signed) = SigV4Signer.canonicalHeaders(toSign)
        let canonical = [
            request.method, canonicalURI(request), request.canonicalQuery, text, signed, request.payloadHash,
        ].joined(separator: "\n")
        let sts = stringToSign(canonicalRequest: canonical, at: date)
        let signature = sign(sts, at: date)
        let authorization =
            "AWS4-HMAC-SHA256 Credential=\(credentials.accessKeyID)/\(scope(at: date)), "
            + "SignedHeaders=\(signed), Signature=\(signature)"
        added.append(.init(name: "Authorization", value: authorization))
        return SigV4Signature(
            canonicalRequest: canonical, stringToSign: sts, signature: signature, signedHeaders: signed,
            headersToAdd: added, presignedQuery: "")
    }

    /// Presigns: puts the signature in the query string (`X-Amz-Algorithm`, `X-Amz-Credential`, `X-Amz-Date`,
    /// `X-Amz-Expires`, `X-Amz-SignedHeaders`, optional `X-Amz-Security-Token`, then `X-Amz-Signature`).
    /// - Parameters:
    ///   - request: the request; its headers (at least `host`) are signed; for S3 use payload hash
    ///     ``unsignedPayload``.
    ///   - date: the signing time.
    ///   - expires: validity in seconds, 1…604800.
    ///   - sessionToken: how a session token is attached.
    /// - Returns: the signature with ``SigV4Signature/presignedQuery`` set.
    public func presign(
        _ request: SigV4Request, at date: AmzDate, expires: Int, sessionToken: SessionTokenMode = .signed
    ) -> SigV4Signature {
        let (text, signed) = SigV4Signer.canonicalHeaders(request.headers)
        var query = request.query
        query.append(("X-Amz-Algorithm", "AWS4-HMAC-SHA256"))
        query.append(("X-Amz-Credential", "\(credentials.accessKeyID)/\(scope(at: date))"))
        query.append(("X-Amz-Date", date.amzDate))
        query.append(("X-Amz-Expires", String(expires)))
        query.append(("X-Amz-SignedHeaders", signed))
        if let token = credentials.sessionToken, sessionToken == .signed {
            query.append(("X-Amz-Security-Token", token))
        }
        var signedRequest = request
        signedRequest.query = query
        let canonicalQuery = signedRequest.canonicalQuery
        let canonical = [request.method, canonicalURI(request), canonicalQuery, text, signed, request.payloadHash]
            .joined(separator: "\n")
        let sts = stringToSign(canonicalRequest: canonical, at: date)
        let signature = sign(sts, at: date)
        var finalQuery = canonicalQuery
        if let token = credentials.sessionToken, sessionToken == .appendedAfterSigning {
            finalQuery += "&X-Amz-Security-Token=" + SigV4Encoding.encodeQuery(token)
        }
        finalQuery += "&X-Amz-Signature=" + signature
        return SigV4Signature(
            canonicalRequest: canonical, stringToSign: sts, signature: signature, signedHeaders: signed,
            headersToAdd: [], presignedQuery: finalQuery)
    }

    /// The signature of one aws-chunked chunk (`STREAMING-AWS4-HMAC-SHA256-PAYLOAD`).
    /// - Parameters:
    ///   - previousSignature: the seed (header) signature for the first chunk, then the previous chunk's.
    ///   - chunkSHA256: hex SHA-256 of the chunk's data (of the empty string for the final chunk).
    ///   - date: the signing time of the seed request.
    public func chunkSignature(previousSignature: String, chunkSHA256: String, at date: AmzDate) -> String {
        let sts = [
            "AWS4-HMAC-SHA256-PAYLOAD", date.amzDate, scope(at: date), previousSignature,
            SigV4Signer.emptyPayloadHash, chunkSHA256,
        ].joined(separator: "\n")
        return sign(sts, at: date)
    }
}

/// Signing keys per day, derived once (they depend only on the secret, day, region and service).
final class SigningKeyCache: Sendable {
    private let keys = Mutex<[String: [UInt8]]>([:])

    func key(for stamp: String) -> [UInt8]? { keys.withLock { $0[stamp] } }

    func store(_ key: [UInt8], for stamp: String) {
        keys.withLock { keys in
            if keys.count > 8 { keys.removeAll() }
            keys[stamp] = key
        }
    }
}
