import QSnapCore
import Testing

@testable import S3

@Suite struct AWSCredentialChainTests {
    static let credentials = """
        [default]
        aws_access_key_id = AKDEFAULT
        aws_secret_access_key = default-secret

        [base]
        aws_access_key_id = AKBASE
        aws_secret_access_key = base-secret
        """
    static let config = """
        [profile deploy]
        role_arn = arn:aws:iam::123456789012:role/deploy
        source_profile = base
        role_session_name = nightly
        external_id = ext-1
        duration_seconds = 1800

        [profile chained]
        role_arn = arn:aws:iam::123456789012:role/second
        source_profile = deploy

        [profile tool]
        credential_process = /usr/local/bin/creds --json

        [profile irsa]
        role_arn = arn:aws:iam::123456789012:role/irsa
        web_identity_token_file = /var/run/token

        [profile onecs]
        role_arn = arn:aws:iam::123456789012:role/ecs
        credential_source = EcsContainer

        [profile both]
        role_arn = arn:aws:iam::123456789012:role/x
        source_profile = base
        credential_source = Environment

        [profile loop-a]
        role_arn = arn:aws:iam::1:role/a
        source_profile = loop-b

        [profile loop-b]
        role_arn = arn:aws:iam::1:role/b
        source_profile = loop-a

        [profile sso]
        sso_session = corp
        sso_account_id = 1

        [profile regiononly]
        region = eu-west-1
        """

    static func chain(_ env: [String: String], withFiles: Bool = true) -> AWSCredentialChain {
        AWSCredentialChain(
            environment: env,
            credentialsFile: withFiles ? S3CredentialResolver.parseINI(credentials) : [:],
            configFile: withFiles ? S3CredentialResolver.parseINI(config) : [:],
            credentialsPath: "/h/.aws/credentials", configPath: "/h/.aws/config", region: "eu-central-1",
            defaultSessionName: "qsnap-1")
    }

    static let webEnv = ["AWS_WEB_IDENTITY_TOKEN_FILE": "/t", "AWS_ROLE_ARN": "arn:aws:iam::1:role/r"]
    static let containerEnv = ["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/credentials/abc"]

    @Test func environmentKeysComeFirst() throws {
        let s = try Self.chain(
            ["AWS_ACCESS_KEY_ID": "AK", "AWS_SECRET_ACCESS_KEY": "SK"]
                .merging(Self.webEnv) { a, _ in a }.merging(Self.containerEnv) { a, _ in a }
        ).plan()
        #expect(s == .environment(SigV4Credentials(accessKeyID: "AK", secretAccessKey: "SK")))
    }

    @Test func webIdentityBeatsProfilesAndContainer() throws {
        let s = try Self.chain(Self.webEnv.merging(Self.containerEnv) { a, _ in a }).plan()
        guard case .webIdentity(let w) = s else { Issue.record("got \(s)"); return }
        #expect(w.roleARN == "arn:aws:iam::1:role/r" && w.tokenFile == "/t" && w.sessionName == "qsnap-1")
        #expect(w.stsEndpoint == "https://sts.eu-central-1.amazonaws.com")
        let named = try Self.chain(
            Self.webEnv.merging(["AWS_ROLE_SESSION_NAME": "pod-7", "AWS_ENDPOINT_URL_STS": "http://127.0.0.1:9/"]) {
                a, _ in a
            }
        ).plan()
        guard case .webIdentity(let n) = named else { Issue.record("got \(named)"); return }
        #expect(n.sessionName == "pod-7" && n.stsEndpoint == "http://127.0.0.1:9")
    }

    @Test func profileBeatsContainerAndInstanceMetadata() throws {
        #expect(try Self.chain(Self.containerEnv).plan().kind == .profile)
        #expect(
            try Self.chain(Self.containerEnv, withFiles: false).plan()
                == .container(.init(url: "http://169.254.170.2/v2/credentials/abc", authorization: nil)))
        #expect(
            try Self.chain([:], withFiles: false).plan()
                == .instanceMetadata(endpoint: "http://169.254.169.254", allowV1Fallback: true))
    }

    @Test func explicitProfileIgnoresTheEnvironment() throws {
        let s = try Self.chain(["AWS_ACCESS_KEY_ID": "AK", "AWS_SECRET_ACCESS_KEY": "SK"]).plan(explicitProfile: "base")
        #expect(
            s
                == .profile(
                    name: "base", credentials: SigV4Credentials(accessKeyID: "AKBASE", secretAccessKey: "base-secret")))
        #expect(throws: S3Error.self) { try Self.chain([:]).plan(explicitProfile: "regiononly") }
        #expect(throws: S3Error.self) { try Self.chain([:]).plan(explicitProfile: "missing") }
    }

    @Test func assumeRoleWithSourceProfile() throws {
        let s = try Self.chain(["AWS_PROFILE": "deploy", "AWS_ENDPOINT_URL_STS": "http://sts.local"]).plan()
        guard case .assumeRole(let a) = s else { Issue.record("got \(s)"); return }
        #expect(a.roleARN == "arn:aws:iam::123456789012:role/deploy" && a.sessionName == "nightly")
        #expect(a.externalID == "ext-1" && a.durationSeconds == 1800 && a.stsEndpoint == "http://sts.local")
        #expect(
            a.source
                == .profile(
                    name: "base", credentials: SigV4Credentials(accessKeyID: "AKBASE", secretAccessKey: "base-secret")))
        #expect(!s.description.contains("base-secret"))

        let chained = try Self.chain(["AWS_PROFILE": "chained"]).plan()
        guard case .assumeRole(let c) = chained, case .assumeRole(let inner) = c.source else {
            Issue.record("got \(chained)"); return
        }
        #expect(inner.roleARN.hasSuffix("role/deploy") && c.sessionName == "qsnap-1")
    }

    @Test func otherProfileKinds() throws {
        #expect(
            try Self.chain(["AWS_PROFILE": "tool"]).plan()
                == .process(profile: "tool", command: "/usr/local/bin/creds --json"))
        let irsa = try Self.chain(["AWS_PROFILE": "irsa"]).plan()
        guard case .webIdentity(let w) = irsa else { Issue.record("got \(irsa)"); return }
        #expect(w.profile == "irsa" && w.tokenFile == "/var/run/token")
        let ecs = try Self.chain(["AWS_PROFILE": "onecs"].merging(Self.containerEnv) { a, _ in a }).plan()
        guard case .assumeRole(let a) = ecs, case .container = a.source else { Issue.record("got \(ecs)"); return }
    }

    @Test func regionOnlyProfileFallsThrough() throws {
        #expect(
            try Self.chain(
                ["AWS_PROFILE": "regiononly", "AWS_EC2_METADATA_DISABLED": "true"]
                    .merging(Self.containerEnv) { a, _ in a }
            ).plan().kind == .container)
    }

    @Test(arguments: [
        ["AWS_ACCESS_KEY_ID": "AK"],
        ["AWS_SECRET_ACCESS_KEY": "SK"],
        ["AWS_WEB_IDENTITY_TOKEN_FILE": "/t"],
        ["AWS_PROFILE": "both"],
        ["AWS_PROFILE": "loop-a"],
        ["AWS_PROFILE": "sso"],
        ["AWS_PROFILE": "onecs"],
        ["AWS_PROFILE": "nope"],
        ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://evil.example/creds"],
        ["AWS_CONTAINER_CREDENTIALS_FULL_URI": "ftp://127.0.0.1/creds"],
        ["AWS_CONTAINER_AUTHORIZATION_TOKEN": "a\nb", "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1/c"],
        ["AWS_WEB_IDENTITY_TOKEN_FILE": "/t", "AWS_ROLE_ARN": "arn", "AWS_ROLE_SESSION_NAME": "bad name!"],
    ])
    func inconsistentSettingsAreUsageErrors(_ env: [String: String]) {
        do {
            _ = try Self.chain(
                env.merging(["AWS_EC2_METADATA_DISABLED": "true"]) { a, _ in a }, withFiles: env["AWS_PROFILE"] != nil
            ).plan()
            Issue.record("expected an error for \(env)")
        } catch let error as S3Error {
            #expect([.credentials, .profile].contains(error.code))  // usage errors (exit 2) once mapped
            #expect(!error.message.isEmpty)
        } catch { Issue.record("unexpected \(error)") }
    }

    @Test func nothingAtAllNamesWhatToSet() {
        do {
            _ = try Self.chain(["AWS_EC2_METADATA_DISABLED": "true"], withFiles: false).plan()
            Issue.record("expected an error")
        } catch let error as S3Error {
            #expect(error.code == .credentials)
            #expect(
                error.message.contains("AWS_ACCESS_KEY_ID") && error.message.contains("AWS_WEB_IDENTITY_TOKEN_FILE"))
        } catch { Issue.record("unexpected \(error)") }
    }

    @Test func containerHostsAsTheSDKsAllowThem() throws {
        for host in [
            "127.0.0.1", "127.1.2.3", "localhost", "[::1]", "169.254.170.2", "169.254.170.23", "[fd00:ec2::23]",
        ] {
            #expect(AWSCredentialChain.isAllowedContainerHost(host), "\(host)")
        }
        for host in ["10.0.0.1", "example.com", "128.0.0.1", "169.254.169.254", "127.0.0"] {
            #expect(!AWSCredentialChain.isAllowedContainerHost(host), "\(host)")
        }
        let https = try Self.chain(
            [
                "AWS_CONTAINER_CREDENTIALS_FULL_URI": "https://creds.example/x",
                "AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE": "/tok",
            ], withFiles: false
        ).plan()
        #expect(https == .container(.init(url: "https://creds.example/x", authorization: .file("/tok"))))
        let both = try Self.chain(
            [
                "AWS_CONTAINER_CREDENTIALS_FULL_URI": "http://127.0.0.1:8/x",
                "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/rel",
                "AWS_CONTAINER_AUTHORIZATION_TOKEN": "tok-secret",
            ], withFiles: false
        ).plan()
        #expect(both == .container(.init(url: "http://169.254.170.2/rel", authorization: .value("tok-secret"))))
        #expect(!both.description.contains("tok-secret"))
    }

    @Test func instanceMetadataSettings() throws {
        #expect(
            try Self.chain(["AWS_EC2_METADATA_SERVICE_ENDPOINT": "http://127.0.0.1:5/"], withFiles: false).plan()
                == .instanceMetadata(endpoint: "http://127.0.0.1:5", allowV1Fallback: true))
        #expect(
            try Self.chain(
                ["AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE": "IPv6", "AWS_EC2_METADATA_V1_DISABLED": "true"],
                withFiles: false
            ).plan()
                == .instanceMetadata(endpoint: "http://[fd00:ec2::254]", allowV1Fallback: false))
    }
}
