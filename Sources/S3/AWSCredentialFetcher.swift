import Foundation
import HTTP
import Logging
import QSnapCore
import Synchronization

/// Fetches credentials from the sources that hand them out over the network or a process: STS, the container
/// endpoint, the EC2 instance metadata service and `credential_process` (read without blocking, killed at its
/// deadline).
struct AWSCredentialFetcher: Sendable {
    let http: HTTPClient
    let logger: Logger
    /// Reads a file's text (`nil` when unreadable).
    let readFile: @Sendable (String) -> String?
    /// Receives every secret read along the way (web identity and container tokens) for redaction.
    let onSecret: @Sendable (String) -> Void

    private var now: Int64 { Int64(Date().timeIntervalSince1970) }

    /// Fetches once from `source`; `base` supplies the signing credentials of an `AssumeRole` call.
    func fetch(_ source: AWSCredentialSource, base: AWSCredentialProvider?) async throws -> AWSTemporaryCredentials {
        switch source {
        case .environment(let c), .profile(_, let c), .fixed(let c):
            return AWSTemporaryCredentials(credentials: c, expiration: nil, obtainedAt: now)
        case .webIdentity(let w): return try await webIdentity(w)
        case .assumeRole(let a):
            guard let base else { preconditionFailure("AssumeRole needs the provider of its source credentials") }
            return try await assumeRole(a, signingWith: try base.credentials())
        case .process(let profile, let command): return try await process(profile: profile, command: command)
        case .container(let c): return try await container(c)
        case .instanceMetadata(let endpoint, let allowV1):
            return try await instanceMetadata(endpoint, allowV1Fallback: allowV1)
        }
    }

    // MARK: - STS

    private func webIdentity(_ w: AWSCredentialSource.WebIdentity) async throws -> AWSTemporaryCredentials {
        guard let raw = readFile(w.tokenFile) else {
            throw S3Error(
                .credentials,
                "cannot read the web identity token file \(w.tokenFile) "
                    + "(\(w.profile.map { "web_identity_token_file of profile \($0)" } ?? "AWS_WEB_IDENTITY_TOKEN_FILE")); "
                    + "check the path and the pod's projected service account token")
        }
        let token = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !token.isEmpty else {
            throw S3Error(.credentials, "the web identity token file \(w.tokenFile) is empty")
        }
        onSecret(token)
        let body = STSResponse.formBody(
            action: "AssumeRoleWithWebIdentity",
            parameters: [("RoleArn", w.roleARN), ("RoleSessionName", w.sessionName), ("WebIdentityToken", token)])
        return try await callSTS(
            endpoint: w.stsEndpoint, action: "AssumeRoleWithWebIdentity", role: w.roleARN, body: body, signer: nil)
    }

    private func assumeRole(_ a: AWSCredentialSource.AssumeRole, signingWith credentials: SigV4Credentials) async throws
        -> AWSTemporaryCredentials
    {
        var parameters = [("RoleArn", a.roleARN), ("RoleSessionName", a.sessionName)]
        if let external = a.externalID { parameters.append(("ExternalId", external)) }
        if let duration = a.durationSeconds { parameters.append(("DurationSeconds", String(duration))) }
        let body = STSResponse.formBody(action: "AssumeRole", parameters: parameters)
        let signer = SigV4Signer(credentials: credentials, region: a.stsRegion, service: "sts", normalizePath: true)
        return try await callSTS(
            endpoint: a.stsEndpoint, action: "AssumeRole", role: a.roleARN, body: body, signer: signer)
    }

    /// POSTs an STS form (signed when `signer` is given), with up to 3 attempts for retriable failures.
    private func callSTS(endpoint: String, action: String, role: String, body: String, signer: SigV4Signer?)
        async throws
        -> AWSTemporaryCredentials
    {
        guard let parts = S3Configuration.URLParts(endpoint) else {
            throw S3Error(
                .credentials,
                "the STS endpoint '\(endpoint)' is not an http:// or https:// URL (AWS_ENDPOINT_URL_STS)")
        }
        let bytes = Array(body.utf8)
        var attempt = 1
        while true {
            var headers = [
                HTTPHeader(name: "Host", value: parts.hostPort),
                HTTPHeader(name: "Content-Type", value: "application/x-www-form-urlencoded; charset=utf-8"),
            ]
            if let signer {
                let request = SigV4Request(
                    method: "POST", encodedPath: "/", query: [],
                    headers: headers.map { ($0.name, $0.value) }, payloadHash: Digest.sha256Hex(body))
                let signature = signer.signHeaders(
                    request, at: AmzDate(secondsSince1970: now), addContentSHA256: false)
                headers += signature.headersToAdd.map { HTTPHeader(name: $0.name, value: $0.value) }
            }
            var request = HTTPRequest(method: "POST", url: endpoint + "/", headers: headers, timeout: 30)
            request.connectTimeout = 5
            let failure: String
            do {
                let response = try await http.execute(request, body: .bytes(bytes))
                do {
                    return try STSResponse.parse(status: response.status, body: response.body, action: action, now: now)
                } catch let error as STSResponse.Failure {
                    if error.isRetriable && attempt < 3 {
                        failure = "\(error.code) (HTTP \(error.status))"
                    } else {
                        throw S3Error(
                            .credentialsUnavailable,
                            "STS at \(endpoint) refused \(action) for role \(role): \(error.code.isEmpty ? "HTTP \(error.status)" : error.code)"
                                + (error.message.isEmpty ? "" : ": \(error.message)")
                                + "; check the role's trust policy and the token", cause: error)
                    }
                }
            } catch let error as HTTPError where error.transport != nil {
                guard attempt < 3 else {
                    throw S3Error(
                        .credentialsUnavailable,
                        "cannot reach STS at \(endpoint) for \(action): \(error.message); check AWS_ENDPOINT_URL_STS "
                            + "and the network", cause: error)
                }
                failure = error.message
            }
            logger.debug("STS \(action) at \(endpoint) failed (\(failure)); attempt \(attempt + 1)/3")
            try await Task.sleep(for: .seconds(0.3 * Double(attempt)))
            attempt += 1
        }
    }

    // MARK: - credential_process

    private func process(profile: String, command: String) async throws -> AWSTemporaryCredentials {
        let origin = "credential_process of AWS profile '\(profile)'"
        let task = Process()
        task.executableURL = URL(fileURLWithPath: "/bin/sh")
        task.arguments = ["-c", command]
        let out = Pipe()
        let err = Pipe()
        task.standardOutput = out
        task.standardError = err
        task.standardInput = FileHandle.nullDevice
        do { try task.run() } catch {
            throw S3Error(.credentialsUnavailable, "\(origin) could not be started: \(error)")
        }
        // Both pipes are drained without blocking (a process that fills one would block forever otherwise), in
        // this task, polling while neither has data; the child is terminated after 60 s (no wait without a deadline).
        var stdout = Data()
        var stderr = Data()
        var open = [out.fileHandleForReading.fileDescriptor, err.fileHandleForReading.fileDescriptor]
        for fd in open { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
        let deadline = ContinuousClock.now + .seconds(60)
        var buffer = [UInt8](repeating: 0, count: 16 * 1024)
        do {
            while !open.isEmpty || task.isRunning {
                var progressed = false
                for fd in open {
                    let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                    if n > 0 {
                        progressed = true
                        if fd == out.fileHandleForReading.fileDescriptor {
                            stdout.append(contentsOf: buffer[..<n])
                        } else {
                            stderr.append(contentsOf: buffer[..<n])
                        }
                    } else if n == 0 || (errno != EAGAIN && errno != EINTR) {
                        open.removeAll { $0 == fd }
                    }
                }
                if ContinuousClock.now >= deadline, task.isRunning { task.terminate() }
                if !progressed { try await Task.sleep(for: .milliseconds(10)) }
            }
        } catch {
            if task.isRunning { task.terminate() }
            throw error
        }
        task.waitUntilExit()  // it has exited: `isRunning` is false
        if task.terminationStatus != 0 || task.terminationReason != .exit {
            let stderr = String(decoding: stderr, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            let detail = stderr.isEmpty ? "" : ": " + String(stderr.suffix(300))
            throw S3Error(
                .credentialsUnavailable,
                "\(origin) failed (\(task.terminationReason == .exit ? "exit status \(task.terminationStatus)" : "killed after 60 s or by a signal"))\(detail)"
            )
        }
        return try AWSCredentialDocument.parse(Array(stdout), format: .process, origin: origin, now: now)
    }

    // MARK: - Container

    private func container(_ c: AWSCredentialSource.Container) async throws -> AWSTemporaryCredentials {
        var headers: [HTTPHeader] = [HTTPHeader(name: "Accept", value: "application/json")]
        switch c.authorization {
        case .file(let path):
            guard let raw = readFile(path) else {
                throw S3Error(
                    .credentials,
                    "cannot read the container authorization token file \(path) (AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE)"
                )
            }
            let token = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !token.contains("\r"), !token.contains("\n") else {
                throw S3Error(
                    .credentials, "the container authorization token in \(path) contains a line break")
            }
            onSecret(token)
            headers.append(HTTPHeader(name: "Authorization", value: token))
        case .value(let token):
            onSecret(token)
            headers.append(HTTPHeader(name: "Authorization", value: token))
        case nil: break
        }
        let origin = "the container credentials endpoint \(c.url)"
        let response = try await get(c.url, headers: headers, timeout: 5, origin: origin, attempts: 3)
        guard response.status == 200 else {
            throw S3Error(
                .credentialsUnavailable,
                "\(origin) answered HTTP \(response.status); check AWS_CONTAINER_CREDENTIALS_RELATIVE_URI / _FULL_URI "
                    + "and the authorization token")
        }
        return try AWSCredentialDocument.parse(response.body, format: .container, origin: origin, now: now)
    }

    private func get(_ url: String, headers: [HTTPHeader], timeout: Double, origin: String, attempts: Int) async throws
        -> HTTPResponse
    {
        var attempt = 1
        while true {
            var request = HTTPRequest(method: "GET", url: url, headers: headers, timeout: timeout)
            request.connectTimeout = min(2, timeout)
            do {
                let response = try await http.execute(request)
                if response.status >= 500 && attempt < attempts {
                    attempt += 1
                    continue
                }
                return response
            } catch let error as HTTPError {
                guard attempt < attempts else {
                    throw S3Error(
                        .credentialsUnavailable, "cannot reach \(origin): \(error.message)", cause: error)
                }
                logger.debug("\(origin) failed (\(error.message)); attempt \(attempt + 1)/\(attempts)")
                try await Task.sleep(for: .seconds(0.2 * Double(attempt)))
                attempt += 1
            }
        }
    }

    // MARK: - Instance metadata

    private func instanceMetadata(_ endpoint: String, allowV1Fallback: Bool) async throws -> AWSTemporaryCredentials {
        let origin = "the EC2 instance metadata service at \(endpoint)"
        var tokenRequest = HTTPRequest(
            method: "PUT", url: endpoint + "/latest/api/token",
            headers: [HTTPHeader(name: "X-aws-ec2-metadata-token-ttl-seconds", value: "21600")], timeout: 2)
        tokenRequest.connectTimeout = 1
        var token: String?
        do {
            let answer = try await http.execute(tokenRequest)
            switch answer.status {
            case 200:
                token = answer.bodyText.trimmingCharacters(in: .whitespacesAndNewlines)
            case 403, 404, 405:
                guard allowV1Fallback else {
                    throw S3Error(
                        .credentialsUnavailable,
                        "\(origin) refused the IMDSv2 token request (HTTP \(answer.status)) and IMDSv1 is disabled "
                            + "(AWS_EC2_METADATA_V1_DISABLED)")
                }
                logger.debug("\(origin) answered HTTP \(answer.status) to the IMDSv2 token request; using IMDSv1")
            default:
                throw S3Error(
                    .credentialsUnavailable,
                    "\(origin) answered HTTP \(answer.status) to the IMDSv2 token request (PUT /latest/api/token)")
            }
        } catch let error as HTTPError where error.transport != nil {
            throw S3Error(
                .credentials,
                "no S3 credentials: none in the environment or the profile files, no container credentials, and "
                    + "\(origin) does not answer (\(error.message)); set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, "
                    + "AWS_WEB_IDENTITY_TOKEN_FILE and AWS_ROLE_ARN, or AWS_PROFILE (set AWS_EC2_METADATA_DISABLED=true "
                    + "off EC2)", cause: error)
        }
        if let token { onSecret(token) }
        let headers = token.map { [HTTPHeader(name: "X-aws-ec2-metadata-token", value: $0)] } ?? []
        let base = endpoint + "/latest/meta-data/iam/security-credentials/"
        let roles = try await get(base, headers: headers, timeout: 2, origin: origin, attempts: 2)
        guard roles.status == 200,
            let role = roles.bodyText.split(whereSeparator: \.isNewline).first.map({
                $0.trimmingCharacters(in: .whitespaces)
            }),
            !role.isEmpty
        else {
            throw S3Error(
                .credentialsUnavailable,
                "\(origin) lists no IAM role (HTTP \(roles.status)); attach an instance profile to the instance")
        }
        let document = try await get(
            base + SigV4Encoding.encodePath(role), headers: headers, timeout: 2, origin: origin, attempts: 2)
        guard document.status == 200 else {
            throw S3Error(
                .credentialsUnavailable,
                "\(origin) answered HTTP \(document.status) for the role \(role)'s credentials")
        }
        return try AWSCredentialDocument.parse(document.body, format: .instanceMetadata, origin: origin, now: now)
    }
}
