import QSnapCore

/// Where S3 credentials come from: the link of the AWS default credential chain that applies, decided once from
/// the environment and the profile files (``AWSCredentialChain``) and passed down as a typed value.
///
/// Static keys are carried inside the value; every other source is fetched (and refreshed) by an
/// ``AWSCredentialProvider``. `description` never contains a secret (for `-v` and a future `qsnap doctor`).
public indirect enum AWSCredentialSource: Sendable, Hashable, CustomStringConvertible {
    /// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and optional `AWS_SESSION_TOKEN`.
    case environment(SigV4Credentials)
    /// STS `AssumeRoleWithWebIdentity` (unsigned) with the token read from `tokenFile` at every refresh (EKS IRSA).
    case webIdentity(WebIdentity)
    /// `aws_access_key_id` / `aws_secret_access_key` (/ `aws_session_token`) of a profile.
    case profile(name: String, credentials: SigV4Credentials)
    /// STS `AssumeRole`, signed with the credentials of `source` (`role_arn` + `source_profile` or `credential_source`).
    case assumeRole(AssumeRole)
    /// A profile's `credential_process`: a command printing credentials as JSON.
    case process(profile: String, command: String)
    /// ECS task role or EKS Pod Identity: `GET` on a local endpoint, with an optional `Authorization` token.
    case container(Container)
    /// EC2 instance metadata (IMDSv2: a session token, then the role's credentials).
    case instanceMetadata(endpoint: String, allowV1Fallback: Bool)
    /// Keys given directly by code (tests, embedding applications).
    case fixed(SigV4Credentials)

    /// The parameters of `AssumeRoleWithWebIdentity`.
    public struct WebIdentity: Sendable, Hashable {
        /// The role to assume.
        public var roleARN: String
        /// `RoleSessionName`.
        public var sessionName: String
        /// The file holding the OIDC token (re-read at every refresh: it rotates).
        public var tokenFile: String
        /// The STS endpoint base URL.
        public var stsEndpoint: String
        /// The profile that configured it, `nil` for the environment.
        public var profile: String?
        /// Creates the parameters.
        public init(roleARN: String, sessionName: String, tokenFile: String, stsEndpoint: String, profile: String?) {
            self.roleARN = roleARN
            self.sessionName = sessionName
            self.tokenFile = tokenFile
            self.stsEndpoint = stsEndpoint
            self.profile = profile
        }
    }

    /// The parameters of `AssumeRole`.
    public struct AssumeRole: Sendable, Hashable {
        /// The profile with `role_arn`.
        public var profile: String
        /// The role to assume.
        public var roleARN: String
        /// `RoleSessionName`.
        public var sessionName: String
        /// `ExternalId`, if configured.
        public var externalID: String?
        /// `DurationSeconds`, if configured (`duration_seconds`).
        public var durationSeconds: Int?
        /// The credentials that sign the `AssumeRole` call.
        public var source: AWSCredentialSource
        /// The STS endpoint base URL.
        public var stsEndpoint: String
        /// The STS signing region.
        public var stsRegion: String
        /// Creates the parameters.
        public init(
            profile: String, roleARN: String, sessionName: String, externalID: String?, durationSeconds: Int?,
            source: AWSCredentialSource, stsEndpoint: String, stsRegion: String
        ) {
            self.profile = profile
            self.roleARN = roleARN
            self.sessionName = sessionName
            self.externalID = externalID
            self.durationSeconds = durationSeconds
            self.source = source
            self.stsEndpoint = stsEndpoint
            self.stsRegion = stsRegion
        }
    }

    /// Where a container-credentials `Authorization` token comes from.
    public enum AuthorizationToken: Sendable, Hashable {
        /// `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE`, re-read at every fetch (EKS Pod Identity rotates it).
        case file(String)
        /// `AWS_CONTAINER_AUTHORIZATION_TOKEN` (a secret: never printed).
        case value(String)
    }

    /// The parameters of a container-credentials fetch.
    public struct Container: Sendable, Hashable {
        /// The full URL to `GET`.
        public var url: String
        /// The `Authorization` token, if any.
        public var authorization: AuthorizationToken?
        /// Creates the parameters.
        public init(url: String, authorization: AuthorizationToken?) {
            self.url = url
            self.authorization = authorization
        }
    }

    /// The kind of source, for machine-readable reports (`qsnap doctor`).
    public enum Kind: String, Sendable, Hashable {
        case environment, webIdentity = "web-identity", profile, assumeRole = "assume-role", process
        case container, instanceMetadata = "instance-metadata", fixed
    }

    /// The kind of this source.
    public var kind: Kind {
        switch self {
        case .environment: return .environment
        case .webIdentity: return .webIdentity
        case .profile: return .profile
        case .assumeRole: return .assumeRole
        case .process: return .process
        case .container: return .container
        case .instanceMetadata: return .instanceMetadata
        case .fixed: return .fixed
        }
    }

    /// Whether the credentials are fetched (and may expire) rather than given.
    public var isFetched: Bool {
        switch self {
        case .environment, .profile, .fixed: return false
        default: return true
        }
    }

    /// A one-line description without secrets, e.g. `web identity (role arn:…, token file /var/run/…)`.
    public var description: String {
        switch self {
        case .environment: return "environment (AWS_ACCESS_KEY_ID)"
        case .webIdentity(let w):
            let origin = w.profile.map { "profile \($0)" } ?? "AWS_WEB_IDENTITY_TOKEN_FILE"
            return "web identity from \(origin) (role \(w.roleARN), token file \(w.tokenFile), STS \(w.stsEndpoint))"
        case .profile(let name, _): return "profile \(name)"
        case .assumeRole(let a):
            return "assume role \(a.roleARN) from profile \(a.profile) (STS \(a.stsEndpoint)), signed with \(a.source)"
        case .process(let profile, _): return "credential_process of profile \(profile)"
        case .container(let c):
            let auth: String
            switch c.authorization {
            case .file(let path): auth = ", token file \(path)"
            case .value: auth = ", token from AWS_CONTAINER_AUTHORIZATION_TOKEN"
            case nil: auth = ""
            }
            return "container credentials (\(c.url)\(auth))"
        case .instanceMetadata(let endpoint, _): return "EC2 instance metadata (\(endpoint))"
        case .fixed: return "given credentials"
        }
    }
}
