import QSnapCore
import Testing

@testable import S3

extension AWSCredentialSource {
    /// The static keys of an environment or profile source.
    var keys: SigV4Credentials? {
        switch self {
        case .environment(let c), .profile(_, let c), .fixed(let c): return c
        default: return nil
        }
    }
}

@Suite struct S3CredentialResolverTests {
    static let credentialsFile = """
        [default]
        aws_access_key_id = AKDEFAULT
        aws_secret_access_key = default-secret

        [work]
        aws_access_key_id=AKWORK
        aws_secret_access_key=work-secret
        aws_session_token=work-token
        """
    static let configFile = """
        [default]
        region = eu-west-3

        [profile work]
        region = ap-south-1
        endpoint_url = https://generic.example
        ca_bundle = /etc/work-ca.pem
        s3 =
          endpoint_url = https://s3.example:9000
          addressing_style = virtual
        """

    static func resolver(_ env: [String: String]) -> S3CredentialResolver {
        S3CredentialResolver(environment: env.merging(["HOME": "/home/u"]) { a, _ in a }) { path in
            switch path {
            case "/home/u/.aws/credentials": return credentialsFile
            case "/home/u/.aws/config": return configFile
            default: return nil
            }
        }
    }

    @Test func environmentWins() throws {
        let r = try Self.resolver([
            "AWS_ACCESS_KEY_ID": "AKENV", "AWS_SECRET_ACCESS_KEY": "env-secret", "AWS_SESSION_TOKEN": "tok",
            "AWS_REGION": "us-west-2", "AWS_DEFAULT_REGION": "ignored", "AWS_ENDPOINT_URL": "http://127.0.0.1:9000",
        ]).resolve()
        #expect(
            r.credentialSource
                == .environment(
                    SigV4Credentials(accessKeyID: "AKENV", secretAccessKey: "env-secret", sessionToken: "tok")))
        #expect(r.region == "us-west-2")
        #expect(r.endpoint == "http://127.0.0.1:9000")
        #expect(r.addressingStyle == .path)
        #expect(r.credentialSource.kind == .environment)
    }

    @Test func defaultProfileAndAWSEndpoint() throws {
        let r = try Self.resolver([:]).resolve()
        #expect(r.credentialSource.keys?.accessKeyID == "AKDEFAULT")
        #expect(r.region == "eu-west-3")
        #expect(r.endpoint == "https://s3.eu-west-3.amazonaws.com")
        #expect(r.addressingStyle == .virtualHosted)
    }

    @Test func namedProfileWithS3Subsection() throws {
        let r = try Self.resolver(["AWS_PROFILE": "work"]).resolve()
        #expect(r.credentialSource.keys?.accessKeyID == "AKWORK")
        #expect(r.credentialSource.keys?.sessionToken == "work-token")
        #expect(r.region == "ap-south-1")
        #expect(r.endpoint == "https://s3.example:9000")
        #expect(r.addressingStyle == .virtualHosted)
        let s3Env = try Self.resolver(["AWS_PROFILE": "work", "AWS_ENDPOINT_URL_S3": "http://s3only:1"]).resolve()
        #expect(s3Env.endpoint == "http://s3only:1")
    }

    @Test func flagsOverrideEverything() throws {
        let r = try Self.resolver(["AWS_REGION": "x"]).resolve(
            .init(profile: "work", region: "auto", endpoint: "https://r2.example", addressingStyle: .path))
        #expect(r.credentialSource.keys?.accessKeyID == "AKWORK")
        #expect(r.region == "auto")
        #expect(r.endpoint == "https://r2.example")
        #expect(r.addressingStyle == .path)
    }

    @Test func caBundleFromFlagEnvironmentOrProfile() throws {
        #expect(try Self.resolver([:]).resolve().caBundle == nil)
        #expect(try Self.resolver(["AWS_PROFILE": "work"]).resolve().caBundle == "/etc/work-ca.pem")
        #expect(
            try Self.resolver(["AWS_PROFILE": "work", "AWS_CA_BUNDLE": "/env.pem"]).resolve().caBundle == "/env.pem")
        #expect(
            try Self.resolver(["AWS_CA_BUNDLE": "/env.pem"]).resolve(.init(caBundle: "/flag.pem")).caBundle
                == "/flag.pem")
    }

    @Test func clearErrors() {
        #expect(throws: S3Error.self) { try Self.resolver(["AWS_PROFILE": "nope"]).resolve() }
        #expect(throws: S3Error.self) { try Self.resolver(["AWS_ACCESS_KEY_ID": "AK"]).resolve() }
        let empty = S3CredentialResolver(environment: ["HOME": "/nowhere", "AWS_EC2_METADATA_DISABLED": "true"]) { _ in
            nil
        }
        do {
            _ = try empty.resolve()
            Issue.record("expected an error")
        } catch let error as S3Error {
            #expect(error.code == .credentials)
            #expect(error.message.contains("AWS_ACCESS_KEY_ID"))
        } catch { Issue.record("unexpected \(error)") }
        let imds = try? S3CredentialResolver(environment: ["HOME": "/nowhere"]) { _ in nil }.resolve()
        #expect(imds?.credentialSource == .instanceMetadata(endpoint: "http://169.254.169.254", allowV1Fallback: true))
    }
}
