import QSnapCore

/// Where and how to reach one bucket.
public struct S3Configuration: Sendable {
    /// How the bucket appears in URLs.
    public enum AddressingStyle: String, Sendable {
        /// `https://endpoint/bucket/key`: the norm for S3-compatible stores, IPs and localhost.
        case path
        /// `https://bucket.endpoint/key`: what AWS prefers.
        case virtualHosted = "virtual"
    }

    /// The endpoint base URL, `scheme://host[:port]` (no path), e.g. `https://s3.eu-west-1.amazonaws.com`.
    public var endpoint: String
    /// The signing region (`us-east-1` by default; `auto` for R2).
    public var region: String
    /// Path-style or virtual-hosted addressing.
    public var addressingStyle: AddressingStyle
    /// The bucket.
    public var bucket: String
    /// The credentials: every request signs with the provider's current ones (refreshed before they expire).
    public var credentials: AWSCredentialProvider
    /// Encryption, storage class and tags of every object written (PutObject, CreateMultipartUpload).
    public var objectSettings = ObjectStorageSettings()
    /// Retry policy for every request (parts included).
    public var retryPolicy: RetryPolicy
    /// Send `Content-MD5` on uploads in addition to the part checksum.
    public var sendContentMD5: Bool
    /// Signed SHA-256 bodies or `UNSIGNED-PAYLOAD` with CRC-32 (see ``S3PayloadSigning``).
    public var payloadSigning: S3PayloadSigning = .auto
    /// A PEM file of CA certificates to trust instead of the system's (`AWS_CA_BUNDLE`), for stores with a private CA.
    public var caBundlePath: String?
    /// Total time limit of one request in seconds (`nil` = none; a stalled transfer is aborted after 60 s anyway).
    public var requestTimeout: Double?
    /// Seconds added to the local clock when signing, until a `RequestTimeTooSkewed` answer corrects it (a known
    /// skew, or a testing aid to simulate a wrong clock).
    public var clockOffset: Int64 = 0

    /// Creates a configuration with fixed keys.
    public init(
        endpoint: String, region: String = "us-east-1", addressingStyle: AddressingStyle = .path, bucket: String,
        credentials: SigV4Credentials, retryPolicy: RetryPolicy = RetryPolicy(), sendContentMD5: Bool = false,
        requestTimeout: Double? = nil
    ) {
        self.init(
            endpoint: endpoint, region: region, addressingStyle: addressingStyle, bucket: bucket,
            credentialProvider: AWSCredentialProvider(fixed: credentials), retryPolicy: retryPolicy,
            sendContentMD5: sendContentMD5, requestTimeout: requestTimeout)
    }

    /// Creates a configuration whose credentials come from a (shared) provider.
    public init(
        endpoint: String, region: String = "us-east-1", addressingStyle: AddressingStyle = .path, bucket: String,
        credentialProvider credentials: AWSCredentialProvider, retryPolicy: RetryPolicy = RetryPolicy(),
        sendContentMD5: Bool = false, requestTimeout: Double? = nil
    ) {
        self.endpoint = endpoint.hasSuffix("/") ? String(endpoint.dropLast()) : endpoint
        self.region = region
        self.addressingStyle = addressingStyle
        self.bucket = bucket
        self.credentials = credentials
        self.retryPolicy = retryPolicy
        self.sendContentMD5 = sendContentMD5
        self.requestTimeout = requestTimeout
    }

    /// Whether upload bodies are signed on this endpoint.
    public var signsPayload: Bool { payloadSigning.signsPayload(scheme: URLParts(endpoint)?.scheme ?? "https") }

    /// What uploads send for the store to verify (`--checksum`, default `auto`).
    public var checksumChoice: S3ChecksumChoice = .auto

    /// The flexible checksum of new uploads: by default SHA-256 with signed bodies (one pass serves both), else
    /// CRC-32; `nil` for `--checksum md5|none`.
    public var checksumAlgorithm: S3ChecksumAlgorithm? { checksumChoice.algorithm(signsPayload: signsPayload) }

    /// The AWS endpoint of a region.
    public static func awsEndpoint(region: String) -> String { "https://s3.\(region).amazonaws.com" }

    /// Whether `endpoint` is an AWS S3 endpoint (virtual-hosted addressing by default).
    public static func isAWS(endpoint: String) -> Bool {
        guard let host = URLParts(endpoint)?.host else { return false }
        return host.hasSuffix(".amazonaws.com") || host.hasSuffix(".amazonaws.com.cn")
    }

    /// Scheme, host (with port) and the base path of an endpoint.
    struct URLParts {
        var scheme: String
        var hostPort: String
        var host: String
        init?(_ url: String) {
            guard let sep = url.range(of: "://") else { return nil }
            scheme = String(url[..<sep.lowerBound]).lowercased()
            guard scheme == "http" || scheme == "https" else { return nil }
            let rest = url[sep.upperBound...]
            let authority = rest.prefix { $0 != "/" && $0 != "?" }
            guard !authority.isEmpty, !authority.contains("@") else { return nil }
            hostPort = String(authority)
            if authority.hasPrefix("[") {
                host = String(authority.prefix { $0 != "]" }) + "]"
            } else {
                host = String(authority.prefix { $0 != ":" })
            }
        }
    }

    /// Checks the endpoint and bucket; throws a usage error naming the problem.
    public func validate() throws {
        guard let parts = URLParts(endpoint) else {
            throw S3Error(
                .endpoint,
                "the S3 endpoint '\(endpoint)' is not an http:// or https:// URL (set --endpoint-url or AWS_ENDPOINT_URL)"
            )
        }
        let pathStart = endpoint.range(of: "://").map { endpoint[$0.upperBound...] }?.drop { $0 != "/" } ?? ""
        if !pathStart.isEmpty && pathStart != "/" {
            throw S3Error(.endpoint, "the S3 endpoint '\(endpoint)' must not contain a path")
        }
        _ = parts
        let valid =
            bucket.utf8.count >= 3 && bucket.utf8.count <= 63
            && bucket.allSatisfy {
                $0.isASCII && ($0.isLowercase || $0.isNumber || $0 == "-" || $0 == "." || $0 == "_")
            }
        if !valid {
            throw S3Error(
                .bucket,
                "'\(bucket)' is not a valid bucket name (3–63 lower-case letters, digits, '-', '.')")
        }
    }
}
