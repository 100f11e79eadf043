/// The result of signing: what to add to the request, plus the intermediate texts (for tests and debugging;
/// they contain no secret, but never log the `authorization` value of a presigned URL's query).
public struct SigV4Signature: Sendable, Hashable {
    /// The canonical request that was hashed.
    public var canonicalRequest: String
    /// The string to sign.
    public var stringToSign: String
    /// The lower-case hex signature.
    public var signature: String
    /// `host;x-amz-date;…`.
    public var signedHeaders: String
    /// Header signing: headers to add to the request (`x-amz-date`, maybe `x-amz-security-token`,
    /// `x-amz-content-sha256`, and `Authorization`), in that order. Empty for presigning.
    public var headersToAdd: [HTTPHeaderField]
    /// Presigning: the full encoded query string to send (the original parameters, the `X-Amz-*` ones and
    /// `X-Amz-Signature` last). Empty for header signing.
    public var presignedQuery: String

    /// A name/value pair.
    public struct HTTPHeaderField: Sendable, Hashable {
        /// The header name as it should be sent.
        public var name: String
        /// The header value.
        public var value: String
        /// Creates a pair.
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }
}
