/// An error answer from S3: HTTP status plus the `<Error>` document's code and message.
public struct S3ServiceError: Error, Sendable, CustomStringConvertible {
    /// The HTTP status (200 for an error inside a CompleteMultipartUpload answer).
    public var status: Int
    /// The S3 error code, e.g. `NoSuchKey`, `SignatureDoesNotMatch`, `SlowDown` (empty when there was no body).
    public var code: String
    /// The S3 error message (secrets removed).
    public var message: String
    /// `x-amz-request-id`, for support requests.
    public var requestID: String?
    /// `ServerTime` of a `RequestTimeTooSkewed` answer.
    public var serverTime: String?

    /// Creates an error.
    public init(status: Int, code: String, message: String, requestID: String? = nil, serverTime: String? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.requestID = requestID
        self.serverTime = serverTime
    }

    /// Parses an error body; falls back to the status alone.
    public static func parse(status: Int, body: [UInt8], requestID: String?) -> S3ServiceError {
        let root = S3XMLElement.parse(body)
        let error = root?.name == "Error" ? root : root?.child("Error")
        return S3ServiceError(
            status: status, code: error?.string("Code") ?? "", message: error?.string("Message") ?? "",
            requestID: requestID, serverTime: error?.string("ServerTime"))
    }

    /// Worth retrying: 500/502/503/504, `SlowDown`, `RequestTimeout`, `InternalError`, `ServiceUnavailable`.
    public var isRetriable: Bool {
        if [500, 502, 503, 504].contains(status) { return true }
        return [
            "SlowDown", "RequestTimeout", "InternalError", "ServiceUnavailable", "Throttling", "ThrottlingException",
            "RequestTimeoutException",
        ].contains(code)
    }

    /// The server asked to slow down (back off harder).
    public var isThrottling: Bool { code == "SlowDown" || code.hasPrefix("Throttling") || status == 503 }

    /// The signing time was too far from the server's clock.
    public var isClockSkew: Bool {
        code == "RequestTimeTooSkewed"
            || (code == "AccessDenied" && message.contains("difference between the request time"))
    }

    /// A credential problem: wrong secret, unknown key, expired token.
    public var isAuthentication: Bool {
        [
            "SignatureDoesNotMatch", "InvalidAccessKeyId", "InvalidToken", "ExpiredToken", "InvalidSecurity",
            "AuthorizationHeaderMalformed",
        ].contains(code)
    }

    public var description: String {
        let what = code.isEmpty ? "HTTP \(status)" : "HTTP \(status) \(code)"
        return message.isEmpty ? what : "\(what): \(message)"
    }

    /// Whether the store refused a request because of its flexible-checksum headers (`x-amz-checksum-*`,
    /// `x-amz-sdk-checksum-algorithm`) rather than its content: a 400 or 501 whose code says "not supported" and
    /// whose message names a checksum header — Backblaze B2's `InvalidArgument: Unsupported header
    /// 'x-amz-sdk-checksum-algorithm'`, Cloudflare R2's `NotImplemented: Header 'x-amz-checksum-crc32' … not
    /// implemented`. A checksum *mismatch* (`BadDigest`, `InvalidDigest`) is not one.
    public var isChecksumRejection: Bool {
        guard status == 400 || status == 501 else { return false }
        guard
            ["NotImplemented", "InvalidArgument", "InvalidRequest", "NotSupported", "BadRequest", "UnsupportedHeader"]
                .contains(code) || (status == 501 && code.isEmpty)
        else { return false }
        let text = message.lowercased()
        return text.contains("x-amz-checksum") || text.contains("x-amz-sdk-checksum") || text.contains("checksum")
    }
}
