/// The parts of an HTTP request that Signature Version 4 covers.
public struct SigV4Request: Sendable, Hashable {
    /// The HTTP method, e.g. `GET`.
    public var method: String
    /// The path exactly as sent on the wire, already percent-encoded once (see ``SigV4Encoding/encodePath(_:)``).
    public var encodedPath: String
    /// Query parameters, **decoded** (names and values are encoded by the signer); a valueless one has value `""`.
    public var query: [(name: String, value: String)]
    /// Headers to sign, in request order (must include `host`). Never pass `Expect`, `User-Agent`, `Accept` or
    /// `Transfer-Encoding`: transports may change them.
    public var headers: [(name: String, value: String)]
    /// The hex SHA-256 of the body, or `UNSIGNED-PAYLOAD` / `STREAMING-…`.
    public var payloadHash: String

    /// Creates a request description.
    public init(
        method: String, encodedPath: String, query: [(name: String, value: String)] = [],
        headers: [(name: String, value: String)], payloadHash: String = SigV4Signer.emptyPayloadHash
    ) {
        self.method = method
        self.encodedPath = encodedPath
        self.query = query
        self.headers = headers
        self.payloadHash = payloadHash
    }

    /// The canonical query string: names and values encoded (`/` as `%2F`), sorted by name then value.
    public var canonicalQuery: String {
        query.map { (SigV4Encoding.encodeQuery($0.name), SigV4Encoding.encodeQuery($0.value)) }
            .sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
            .map { "\($0.0)=\($0.1)" }
            .joined(separator: "&")
    }

    public static func == (a: SigV4Request, b: SigV4Request) -> Bool {
        a.method == b.method && a.encodedPath == b.encodedPath && a.payloadHash == b.payloadHash
            && a.query.elementsEqual(b.query, by: { $0 == $1 }) && a.headers.elementsEqual(b.headers, by: { $0 == $1 })
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(method)
        hasher.combine(encodedPath)
        hasher.combine(payloadHash)
        for q in query { hasher.combine(q.name); hasher.combine(q.value) }
        for h in headers { hasher.combine(h.name); hasher.combine(h.value) }
    }
}
