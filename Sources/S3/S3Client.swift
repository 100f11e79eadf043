import Foundation
import HTTP
import Logging
import QSnapCore
import Synchronization

/// An S3 client for one bucket: SigV4 signing, retries with backoff and jitter, clock-skew correction. Every
/// operation is `async`: its requests run on the libcurl event loop and cancelling the task aborts them.
public final class S3Client: Sendable {
    /// The bucket, endpoint, region and credentials.
    public let configuration: S3Configuration
    let http: HTTPClient
    private let currentSigner: Mutex<SigV4Signer?> = Mutex(nil)
    /// Set once the store rejected a flexible-checksum header: from then on uploads carry `Content-MD5` instead.
    private let checksumRejected = Mutex(false)
    /// Where debug lines go (never secrets).
    public let logger: Logger
    let redactor: Redactor
    private let clockOffset = Mutex<Int64>(0)
    private let endpointParts: S3Configuration.URLParts

    /// Creates a client.
    /// - Parameters:
    ///   - configuration: the bucket and how to reach it.
    ///   - userAgent: the `User-Agent` value.
    ///   - logger: receives debug lines (never secrets).
    /// - Throws: a usage error when the endpoint or bucket name is invalid.
    public init(configuration: S3Configuration, userAgent: String = "qsnap", logger: Logger = Logger(label: "qsnap.s3"))
        throws
    {
        try configuration.validate()
        guard let parts = S3Configuration.URLParts(configuration.endpoint) else {
            throw S3Error(.endpoint, "invalid S3 endpoint '\(configuration.endpoint)'")
        }
        self.configuration = configuration
        self.endpointParts = parts
        self.redactor = Redactor()
        self.http = HTTPClient(userAgent: userAgent, redactor: redactor, caBundlePath: configuration.caBundlePath)
        self.logger = logger
        clockOffset.withLock { $0 = configuration.clockOffset }
    }

    /// `s3://bucket/key`, for messages.
    public func displayName(_ key: String?) -> String { "s3://\(configuration.bucket)/\(key ?? "")" }

    // MARK: - Addressing

    /// The `Host` header value (default ports omitted) for this bucket.
    var host: String {
        var hostPort = endpointParts.hostPort
        if (endpointParts.scheme == "http" && hostPort.hasSuffix(":80"))
            || (endpointParts.scheme == "https" && hostPort.hasSuffix(":443"))
        {
            hostPort = String(hostPort[..<hostPort.lastIndex(of: ":")!])
        }
        return configuration.addressingStyle == .virtualHosted ? "\(configuration.bucket).\(hostPort)" : hostPort
    }

    /// The encoded path of `key` (or of the bucket when `key` is `nil`).
    func encodedPath(_ key: String?) -> String {
        switch configuration.addressingStyle {
        case .path: return "/\(configuration.bucket)" + (key.map { "/" + SigV4Encoding.encodePath($0) } ?? "")
        case .virtualHosted: return "/" + (key.map { SigV4Encoding.encodePath($0) } ?? "")
        }
    }

    func url(path: String, query: String) -> String {
        let base =
            "\(endpointParts.scheme)://\(configuration.addressingStyle == .virtualHosted ? "\(configuration.bucket).\(endpointParts.hostPort)" : endpointParts.hostPort)"
        return base + path + (query.isEmpty ? "" : "?" + query)
    }

    /// The current signing time, corrected by the offset learnt from a `RequestTimeTooSkewed` answer.
    func signingTime() -> AmzDate {
        AmzDate(secondsSince1970: Int64(Date().timeIntervalSince1970) + clockOffset.withLock { $0 })
    }

    /// A signer for the provider's current credentials (re-created when they change; its key cache kept otherwise).
    /// - Throws: when credentials are needed and the source cannot supply them.
    func signer() async throws -> SigV4Signer {
        let credentials = try await configuration.credentials.credentials()
        return currentSigner.withLock { cached in
            if let signer = cached, signer.credentials == credentials { return signer }
            let signer = SigV4Signer(credentials: credentials, region: configuration.region, service: "s3")
            cached = signer
            return signer
        }
    }

    /// The flexible checksum to send for an upload that declared `declared`: none once the store rejected them.
    func effectiveChecksum(_ declared: S3ChecksumAlgorithm?) -> S3ChecksumAlgorithm? {
        checksumRejected.withLock { $0 } ? nil : declared
    }

    /// Whether uploads carry `Content-MD5` (configured, `--checksum md5`, or instead of a rejected checksum).
    var sendsContentMD5: Bool {
        configuration.sendContentMD5
            || configuration.checksumChoice.sendsContentMD5(checksumRejected: checksumRejected.withLock { $0 })
    }

    /// Whether the store rejected flexible checksums during this run (uploads then carry `Content-MD5`).
    public var fellBackToContentMD5: Bool { checksumRejected.withLock { $0 } }

    /// Handles a failed upload request: when `error` is the store rejecting the flexible checksum the request
    /// carried, switches this client to `Content-MD5` and returns `true` (send it again); else `false`.
    func fallBackIfChecksumRejected(_ error: any Error, sentChecksum: S3ChecksumAlgorithm?) -> Bool {
        guard sentChecksum != nil, let failure = (error as? S3Error)?.cause as? S3ServiceError,
            failure.isChecksumRejection
        else { return false }
        let first = checksumRejected.withLock { rejected -> Bool in
            defer { rejected = true }
            return !rejected
        }
        if first {
            logger.notice(
                "S3 at \(configuration.endpoint) does not accept x-amz-checksum-* headers (\(failure.code): \(failure.message)); sending Content-MD5 instead, which it checks for every request (qsnap's own SHA-256 of every object is verified as before)"
            )
        }
        return true
    }

    /// `text` with the credentials' secrets masked.
    func redact(_ text: String) -> String { configuration.credentials.redact(redactor.redact(text)) }

    // MARK: - Sending

    /// One S3 call, described before signing.
    struct Call {
        var method: String
        var key: String?
        var query: [(name: String, value: String)] = []
        var headers: [(name: String, value: String)] = []
        var payloadHash: String = SigV4Signer.emptyPayloadHash
        /// A 200 answer may carry an `<Error>` document (CompleteMultipartUpload).
        var errorIn200 = false
    }

    /// Signs, sends and retries `call`.
    ///
    /// Retries connection errors, 500/502/503/504, `SlowDown`, `RequestTimeout` (re-signing each time, rewinding the
    /// body via `makeBody`), and once after correcting the clock on `RequestTimeTooSkewed`. Nothing else is retried.
    /// A transfer that already delivered body bytes through `onBody` is not retried here (the caller resumes).
    func execute(
        _ call: Call, body makeBody: () throws -> HTTPRequestBody = { .none },
        onBody: (([UInt8]) async throws -> Void)? = nil
    ) async throws -> HTTPResponse {
        let policy = configuration.retryPolicy
        var attempt = 1
        var skewCorrected = false
        var credentialsRenewed = false
        while true {
            let signer = try await self.signer()
            let date = signingTime()
            let host = self.host
            let path = encodedPath(call.key)
            var signHeaders: [(name: String, value: String)] = [("Host", host)]
            signHeaders += call.headers
            let request = SigV4Request(
                method: call.method, encodedPath: path, query: call.query, headers: signHeaders,
                payloadHash: call.payloadHash)
            let signature = signer.signHeaders(request, at: date)
            var headers = signHeaders.map { HTTPHeader(name: $0.name, value: $0.value) }
            headers += signature.headersToAdd.map { HTTPHeader(name: $0.name, value: $0.value) }
            var httpRequest = HTTPRequest(
                method: call.method, url: url(path: path, query: request.canonicalQuery), headers: headers,
                timeout: configuration.requestTimeout)

            var delivered: Int64 = 0
            var errorBody: [UInt8] = []
            let response: HTTPResponse
            do {
                if let onBody {
                    // Streamed in this task: the transfer waits while `onBody` works (back-pressure).
                    let streaming = try await http.stream(httpRequest)
                    if (200..<300).contains(streaming.status) {
                        for try await chunk in streaming.body {
                            delivered += Int64(chunk.count)
                            do { try await onBody(chunk) } catch { throw SinkError(error: error) }
                        }
                    } else {
                        errorBody = try await streaming.body.collect()
                    }
                    response = HTTPResponse(status: streaming.status, headers: streaming.headers, body: [])
                } else {
                    response = try await http.execute(httpRequest, body: try makeBody())
                }
            } catch let failure as SinkError {
                throw failure.error
            } catch let error as HTTPError where error.isRetriableTransportFailure {
                guard delivered == 0, policy.shouldRetry(afterAttempt: attempt)
                else { throw error }
                let wait = policy.delay(forAttempt: attempt)
                logger.debug(
                    "S3 \(call.method) \(displayName(call.key)) failed (\(error.message)); retry \(attempt + 1)/\(policy.maxAttempts) in \(String(format: "%.2f", wait)) s"
                )
                try await Task.sleep(for: .seconds(wait))
                attempt += 1
                continue
            }
            let bodyBytes = onBody == nil ? response.body : errorBody
            var failure: S3ServiceError?
            if !(200..<300).contains(response.status) {
                failure = S3ServiceError.parse(
                    status: response.status, body: bodyBytes, requestID: response.header("x-amz-request-id"))
            } else if call.errorIn200, let root = S3XMLElement.parse(response.body), root.name == "Error" {
                failure = S3ServiceError.parse(
                    status: response.status, body: response.body, requestID: response.header("x-amz-request-id"))
            }
            guard var failure else { return response }
            failure.message = redact(failure.message)
            if failure.code == "ExpiredToken" && !credentialsRenewed
                && configuration.credentials.invalidate(signer.credentials)
            {
                credentialsRenewed = true
                logger.notice(
                    "S3 answered ExpiredToken for \(call.method) \(displayName(call.key)); fetching new credentials from \(configuration.credentials.source) and signing again"
                )
                continue
            }
            if failure.isClockSkew && !skewCorrected, let corrected = serverTime(failure, response) {
                skewCorrected = true
                let offset = corrected.secondsSince1970 - Int64(Date().timeIntervalSince1970)
                let drift = clockOffset.withLock { old -> Int64 in
                    defer { old = offset }
                    return old - offset
                }
                logger.notice(
                    "the signing time was \(drift) s off the S3 server's clock (\(failure.code)); correcting the signing time and signing again"
                )
                continue
            }
            if failure.isRetriable && delivered == 0 && policy.shouldRetry(afterAttempt: attempt) {
                let wait = policy.delay(forAttempt: attempt, throttled: failure.isThrottling)
                logger.debug(
                    "S3 \(call.method) \(displayName(call.key)): \(failure); retry \(attempt + 1)/\(policy.maxAttempts) in \(String(format: "%.2f", wait)) s"
                )
                try await Task.sleep(for: .seconds(wait))
                attempt += 1
                continue
            }
            throw qsnapError(for: failure, method: call.method, key: call.key)
        }
    }

    /// What the caller's body sink threw, rethrown unchanged (never retried).
    private struct SinkError: Error {
        var error: any Error
    }

    private func serverTime(_ failure: S3ServiceError, _ response: HTTPResponse) -> AmzDate? {
        if let t = failure.serverTime, let d = AmzDate(iso8601: t) { return d }
        if let d = response.header("Date").flatMap({ AmzDate(httpDate: $0) }) { return d }
        return nil
    }

    /// Turns an S3 error into a user-facing error: what failed, why, and what to do.
    func qsnapError(for failure: S3ServiceError, method: String, key: String?) -> S3Error {
        let accessKeyID = currentSigner.withLock { $0?.credentials.accessKeyID } ?? "?"
        let source = configuration.credentials.source
        let target = displayName(key)
        let endpoint = configuration.endpoint
        let code: S3Error.Code
        var message: String
        switch failure.code {
        case "SignatureDoesNotMatch":
            code = .auth
            message =
                "S3 at \(endpoint) rejected the request signature for \(target) (SignatureDoesNotMatch): the "
                + "secret access key does not belong to access key id \(accessKeyID) (from \(source)); check "
                + "AWS_SECRET_ACCESS_KEY or the profile's aws_secret_access_key"
        case "InvalidAccessKeyId":
            code = .auth
            message =
                "S3 at \(endpoint) does not know access key id \(accessKeyID) from \(source) "
                + "(InvalidAccessKeyId); check AWS_ACCESS_KEY_ID, the profile, or --endpoint-url"
        case "ExpiredToken", "InvalidToken":
            code = .auth
            message =
                "S3 at \(endpoint) rejected the session token (\(failure.code)) of the credentials from \(source); "
                + (source.isFetched
                    ? "the source handed out credentials the store does not accept"
                    : "refresh the temporary credentials")
        case "AuthorizationHeaderMalformed":
            code = .region
            message =
                "S3 rejected the signing region '\(configuration.region)' for \(target): \(failure.message); "
                + "set --region or AWS_REGION to the bucket's region"
        case "AccessDenied":
            code = .accessDenied
            message =
                "access denied to \(target) (\(method)): \(failure.message.isEmpty ? "check the bucket policy and the key's permissions" : failure.message)"
        case "NoSuchBucket":
            code = .noSuchBucket
            message = "the bucket '\(configuration.bucket)' does not exist at \(endpoint); create it or fix the URL"
        case "NoSuchKey":
            code = .notFound
            message = "\(target) does not exist"
        case "PreconditionFailed":
            code = .preconditionFailed
            message =
                "the condition of \(method) \(target) does not hold (PreconditionFailed): the object exists or changed"
        case "ConditionalRequestConflict":
            code = .conditionalConflict
            message = "another request changed \(target) at the same time (ConditionalRequestConflict)"
        case "NoSuchUpload":
            code = .noSuchUpload
            message =
                "the multipart upload of \(target) no longer exists (completed or aborted); start the upload again"
        case "PermanentRedirect":
            code = .region
            message =
                "the bucket '\(configuration.bucket)' is in another region: \(failure.message); set --region or AWS_REGION"
        default:
            if failure.status == 404 && method == "HEAD" {
                code = .notFound
                message = "\(target) does not exist"
            } else if failure.status == 403 && failure.code.isEmpty {
                code = .accessDenied
                message = "S3 refused \(method) \(target) (HTTP 403); check the credentials and permissions"
            } else {
                code = .error
                message = "S3 \(method) \(target) failed: \(failure)"
            }
        }
        if let id = failure.requestID, !id.isEmpty { message += " (request id \(id))" }
        return S3Error(code, message, cause: failure)
    }
}
