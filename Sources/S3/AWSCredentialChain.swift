import Foundation
import QSnapCore

/// The AWS default credential chain as a pure decision over the environment and the parsed profile files: which
/// ``AWSCredentialSource`` applies. No I/O: fetching is the ``AWSCredentialProvider``'s job.
///
/// Order (that of the AWS SDKs): `--profile` given → only that profile. Otherwise: environment keys →
/// web identity from the environment (`AWS_WEB_IDENTITY_TOKEN_FILE` + `AWS_ROLE_ARN`) → the profile
/// (`AWS_PROFILE`, else `default`: keys, `role_arn` with `source_profile` / `credential_source` /
/// `web_identity_token_file`, `credential_process`) → container credentials (`AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`,
/// `AWS_CONTAINER_CREDENTIALS_FULL_URI`) → EC2 instance metadata (unless `AWS_EC2_METADATA_DISABLED=true`).
public struct AWSCredentialChain: Sendable {
    /// The environment.
    public var environment: [String: String]
    /// `~/.aws/credentials` sections (`[name]`).
    public var credentialsFile: [String: [String: String]]
    /// `~/.aws/config` sections (`[default]`, `[profile name]`).
    public var configFile: [String: [String: String]]
    /// Paths of the two files, for messages.
    public var credentialsPath: String
    /// The config file's path, for messages.
    public var configPath: String
    /// The region (for the default STS endpoint).
    public var region: String
    /// The `RoleSessionName` used when none is configured.
    public var defaultSessionName: String

    /// Creates a chain over already-read inputs.
    public init(
        environment: [String: String], credentialsFile: [String: [String: String]],
        configFile: [String: [String: String]], credentialsPath: String, configPath: String, region: String,
        defaultSessionName: String
    ) {
        self.environment = environment
        self.credentialsFile = credentialsFile
        self.configFile = configFile
        self.credentialsPath = credentialsPath
        self.configPath = configPath
        self.region = region
        self.defaultSessionName = defaultSessionName
    }

    /// The link of the container endpoint for `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`.
    public static let containerHost = "http://169.254.170.2"
    /// The default IMDS endpoint.
    public static let instanceMetadataEndpoint = "http://169.254.169.254"
    /// The IMDS endpoint in IPv6 mode.
    public static let instanceMetadataEndpointIPv6 = "http://[fd00:ec2::254]"

    private func env(_ name: String) -> String? {
        guard let v = environment[name]?.trimmingCharacters(in: .whitespaces), !v.isEmpty else { return nil }
        return v
    }

    private func isTrue(_ name: String) -> Bool { env(name)?.lowercased() == "true" }

    /// The merged settings of a profile (credentials file over config file), `nil` when it is in neither.
    public func profile(_ name: String) -> [String: String]? {
        let fromCredentials = credentialsFile[name]
        let fromConfig =
            (name == "default" ? configFile["default"] : nil) ?? configFile["profile \(name)"] ?? configFile[name]
        if fromCredentials == nil && fromConfig == nil { return nil }
        return (fromConfig ?? [:]).merging(fromCredentials ?? [:]) { _, credentials in credentials }
    }

    /// The STS endpoint: `AWS_ENDPOINT_URL_STS` → `AWS_ENDPOINT_URL` → the profile's `sts = endpoint_url` /
    /// `endpoint_url` → `https://sts.<region>.amazonaws.com`.
    public func stsEndpoint(profile: [String: String]?) -> String {
        var url =
            env("AWS_ENDPOINT_URL_STS") ?? env("AWS_ENDPOINT_URL") ?? profile?["sts.endpoint_url"]
            ?? profile?["endpoint_url"] ?? "https://sts.\(region).amazonaws.com"
        while url.hasSuffix("/") { url.removeLast() }
        return url
    }

    /// Decides the source.
    /// - Parameters:
    ///   - explicitProfile: `--profile`: only that profile is considered.
    /// - Throws: an ``S3Error`` (`s3.credentials` or `s3.profile`, usage errors once mapped) naming the inconsistent
    ///   or missing setting and what to do.
    public func plan(explicitProfile: String? = nil) throws -> AWSCredentialSource {
        if let name = explicitProfile {
            guard let section = profile(name) else { throw missingProfile(name, flag: "--profile") }
            if let source = try profileSource(name, section, visited: []) { return source }
            throw S3Error(
                .credentials,
                "the AWS profile '\(name)' has no credentials: add aws_access_key_id and aws_secret_access_key, "
                    + "role_arn with source_profile, or credential_process to it in \(credentialsPath) or \(configPath)"
            )
        }
        if let ak = env("AWS_ACCESS_KEY_ID") {
            guard let sk = env("AWS_SECRET_ACCESS_KEY") else {
                throw S3Error(
                    .credentials, "AWS_ACCESS_KEY_ID is set but AWS_SECRET_ACCESS_KEY is not; set both")
            }
            return .environment(
                SigV4Credentials(accessKeyID: ak, secretAccessKey: sk, sessionToken: env("AWS_SESSION_TOKEN")))
        } else if env("AWS_SECRET_ACCESS_KEY") != nil {
            throw S3Error(
                .credentials, "AWS_SECRET_ACCESS_KEY is set but AWS_ACCESS_KEY_ID is not; set both")
        }
        if let webIdentity = try environmentWebIdentity() { return webIdentity }
        let profileName = env("AWS_PROFILE") ?? "default"
        if let section = profile(profileName) {
            if let source = try profileSource(profileName, section, visited: []) { return source }
        } else if env("AWS_PROFILE") != nil {
            throw missingProfile(profileName, flag: "AWS_PROFILE")
        }
        if let container = try containerSource() { return container }
        if let imds = instanceMetadataSource() { return imds }
        throw S3Error(
            .credentials,
            "no S3 credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, AWS_WEB_IDENTITY_TOKEN_FILE and "
                + "AWS_ROLE_ARN, or add aws_access_key_id and aws_secret_access_key (or role_arn, credential_process) "
                + "to profile '\(profileName)' in \(credentialsPath); container credentials are not configured and "
                + "instance metadata is disabled (AWS_EC2_METADATA_DISABLED)")
    }

    private func missingProfile(_ name: String, flag: String) -> S3Error {
        S3Error(
            .profile,
            "the AWS profile '\(name)' is not in \(credentialsPath) or \(configPath); check \(flag)")
    }

    private func environmentWebIdentity() throws -> AWSCredentialSource? {
        let tokenFile = env("AWS_WEB_IDENTITY_TOKEN_FILE")
        let role = env("AWS_ROLE_ARN")
        switch (tokenFile, role) {
        case (nil, nil): return nil
        case (.some, nil):
            throw S3Error(
                .credentials,
                "AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not; set the role to assume (on EKS the "
                    + "service account's eks.amazonaws.com/role-arn annotation sets both)")
        case (nil, .some):
            // AWS_ROLE_ARN alone is not a web identity configuration (the SDKs ignore it).
            return nil
        case (.some(let file), .some(let arn)):
            return .webIdentity(
                .init(
                    roleARN: arn,
                    sessionName: try sessionName(env("AWS_ROLE_SESSION_NAME"), setting: "AWS_ROLE_SESSION_NAME"),
                    tokenFile: file, stsEndpoint: stsEndpoint(profile: nil), profile: nil))
        }
    }

    private func sessionName(_ configured: String?, setting: String) throws -> String {
        guard let name = configured else { return defaultSessionName }
        let allowed =
            name.count >= 2 && name.count <= 64
            && name.unicodeScalars.allSatisfy { c in
                (c.isASCII && (c.properties.isAlphabetic || ("0"..."9").contains(c)))
                    || "_+=,.@-".unicodeScalars.contains(c)
            }
        guard allowed else {
            throw S3Error(
                .credentials,
                "\(setting) '\(name)' is not a valid role session name (2–64 characters: letters, digits, _+=,.@-)")
        }
        return name
    }

    /// The source a profile configures, `nil` when it configures none (only a region, say).
    func profileSource(_ name: String, _ section: [String: String], visited: [String]) throws -> AWSCredentialSource? {
        if visited.contains(name) {
            throw S3Error(
                .credentials,
                "the AWS profiles form a source_profile loop (\((visited + [name]).joined(separator: " → "))); fix "
                    + "source_profile in \(configPath)")
        }
        let keys = section["aws_access_key_id"].flatMap { ak in
            section["aws_secret_access_key"].map {
                SigV4Credentials(accessKeyID: ak, secretAccessKey: $0, sessionToken: section["aws_session_token"])
            }
        }
        if let role = section["role_arn"] {
            return try assumeRoleSource(name, section, role: role, keys: keys, visited: visited)
        }
        if section["sso_session"] != nil || section["sso_start_url"] != nil || section["sso_account_id"] != nil,
            keys == nil
        {
            throw S3Error(
                .credentials,
                "the AWS profile '\(name)' uses IAM Identity Center (SSO), which qsnap does not sign in to; run "
                    + "`aws configure export-credentials --profile \(name) --format env` and pass the result as "
                    + "environment variables, or use a profile with keys, role_arn or credential_process")
        }
        if let keys { return .profile(name: name, credentials: keys) }
        if section["aws_access_key_id"] != nil || section["aws_secret_access_key"] != nil {
            throw S3Error(
                .credentials,
                "the AWS profile '\(name)' has only one of aws_access_key_id and aws_secret_access_key; set both")
        }
        if let command = section["credential_process"] { return .process(profile: name, command: command) }
        return nil
    }

    private func assumeRoleSource(
        _ name: String, _ section: [String: String], role: String, keys: SigV4Credentials?, visited: [String]
    ) throws -> AWSCredentialSource {
        let sessionName = try self.sessionName(
            section["role_session_name"], setting: "role_session_name of profile '\(name)'")
        let sourceProfile = section["source_profile"]
        let credentialSource = section["credential_source"]
        if sourceProfile != nil && credentialSource != nil {
            throw S3Error(
                .credentials,
                "the AWS profile '\(name)' sets both source_profile and credential_source; keep one")
        }
        if sourceProfile == nil, credentialSource == nil, let tokenFile = section["web_identity_token_file"] {
            return .webIdentity(
                .init(
                    roleARN: role, sessionName: sessionName, tokenFile: tokenFile,
                    stsEndpoint: stsEndpoint(profile: section), profile: name))
        }
        let base: AWSCredentialSource
        if let source = sourceProfile {
            if source == name, let keys {
                base = .profile(name: name, credentials: keys)
            } else {
                guard let sourceSection = profile(source) else {
                    throw S3Error(
                        .profile,
                        "the AWS profile '\(name)' names source_profile '\(source)', which is not in "
                            + "\(credentialsPath) or \(configPath)")
                }
                guard let found = try profileSource(source, sourceSection, visited: visited + [name]) else {
                    throw S3Error(
                        .credentials,
                        "source_profile '\(source)' of AWS profile '\(name)' has no credentials; add "
                            + "aws_access_key_id and aws_secret_access_key to it in \(credentialsPath)")
                }
                base = found
            }
        } else if let credentialSource {
            switch credentialSource {
            case "Environment":
                guard let ak = env("AWS_ACCESS_KEY_ID"), let sk = env("AWS_SECRET_ACCESS_KEY") else {
                    throw S3Error(
                        .credentials,
                        "the AWS profile '\(name)' has credential_source = Environment but AWS_ACCESS_KEY_ID and "
                            + "AWS_SECRET_ACCESS_KEY are not both set")
                }
                base = .environment(
                    SigV4Credentials(accessKeyID: ak, secretAccessKey: sk, sessionToken: env("AWS_SESSION_TOKEN")))
            case "EcsContainer":
                guard let container = try containerSource() else {
                    throw S3Error(
                        .credentials,
                        "the AWS profile '\(name)' has credential_source = EcsContainer but neither "
                            + "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI nor AWS_CONTAINER_CREDENTIALS_FULL_URI is set")
                }
                base = container
            case "Ec2InstanceMetadata":
                guard let imds = instanceMetadataSource() else {
                    throw S3Error(
                        .credentials,
                        "the AWS profile '\(name)' has credential_source = Ec2InstanceMetadata but "
                            + "AWS_EC2_METADATA_DISABLED is true")
                }
                base = imds
            default:
                throw S3Error(
                    .credentials,
                    "credential_source '\(credentialSource)' of AWS profile '\(name)' is not one of Environment, "
                        + "EcsContainer, Ec2InstanceMetadata")
            }
        } else {
            throw S3Error(
                .credentials,
                "the AWS profile '\(name)' has role_arn but no source_profile, credential_source or "
                    + "web_identity_token_file to assume it with; add one in \(configPath)")
        }
        var duration: Int?
        if let text = section["duration_seconds"] {
            guard let value = Int(text), (900...43200).contains(value) else {
                throw S3Error(
                    .credentials,
                    "duration_seconds '\(text)' of AWS profile '\(name)' must be a whole number of seconds, 900…43200")
            }
            duration = value
        }
        if section["mfa_serial"] != nil {
            throw S3Error(
                .credentials,
                "the AWS profile '\(name)' needs an MFA code (mfa_serial), which a non-interactive backup cannot "
                    + "ask for; use a role without MFA for qsnap")
        }
        return .assumeRole(
            .init(
                profile: name, roleARN: role, sessionName: sessionName, externalID: section["external_id"],
                durationSeconds: duration, source: base, stsEndpoint: stsEndpoint(profile: section),
                stsRegion: section["region"] ?? region))
    }

    /// Container credentials, when configured.
    func containerSource() throws -> AWSCredentialSource? {
        let authorization: AWSCredentialSource.AuthorizationToken? =
            env("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE").map { .file($0) }
            ?? env("AWS_CONTAINER_AUTHORIZATION_TOKEN").map { .value($0) }
        if case .value(let token) = authorization, token.contains("\r") || token.contains("\n") {
            throw S3Error(
                .credentials, "AWS_CONTAINER_AUTHORIZATION_TOKEN contains a line break; it must be one line"
            )
        }
        if let relative = env("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI") {
            let path = relative.hasPrefix("/") ? relative : "/" + relative
            return .container(.init(url: AWSCredentialChain.containerHost + path, authorization: authorization))
        }
        guard let full = env("AWS_CONTAINER_CREDENTIALS_FULL_URI") else { return nil }
        guard let parts = S3Configuration.URLParts(full) else {
            throw S3Error(
                .credentials,
                "AWS_CONTAINER_CREDENTIALS_FULL_URI '\(full)' is not an http:// or https:// URL")
        }
        guard parts.scheme == "https" || AWSCredentialChain.isAllowedContainerHost(parts.host) else {
            throw S3Error(
                .credentials,
                "AWS_CONTAINER_CREDENTIALS_FULL_URI '\(full)' uses http:// to host \(parts.host); plain http is "
                    + "allowed only to a loopback address, 169.254.170.2, 169.254.170.23 or fd00:ec2::23 (the ECS and "
                    + "EKS Pod Identity agents); use https:// otherwise")
        }
        return .container(.init(url: full, authorization: authorization))
    }

    /// Whether plain-http container credentials may be fetched from `host` (as the AWS SDKs restrict it).
    public static func isAllowedContainerHost(_ host: String) -> Bool {
        let bare = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        let lower = bare.lowercased()
        if ["localhost", "169.254.170.2", "169.254.170.23", "fd00:ec2::23", "::1"].contains(lower) { return true }
        let octets = lower.split(separator: ".", omittingEmptySubsequences: false)
        return octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil }
    }

    /// Instance metadata, unless disabled.
    func instanceMetadataSource() -> AWSCredentialSource? {
        if isTrue("AWS_EC2_METADATA_DISABLED") { return nil }
        var endpoint =
            env("AWS_EC2_METADATA_SERVICE_ENDPOINT")
            ?? (env("AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE")?.lowercased() == "ipv6"
                ? AWSCredentialChain.instanceMetadataEndpointIPv6 : AWSCredentialChain.instanceMetadataEndpoint)
        while endpoint.hasSuffix("/") { endpoint.removeLast() }
        return .instanceMetadata(endpoint: endpoint, allowV1Fallback: !isTrue("AWS_EC2_METADATA_V1_DISABLED"))
    }
}
