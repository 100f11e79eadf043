import QSnapCore
import Testing

@testable import S3

@Suite struct STSResponseTests {
    @Test func webIdentityAnswer() throws {
        let xml = """
            <AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
              <AssumeRoleWithWebIdentityResult>
                <SubjectFromWebIdentityToken>system:serviceaccount:ns:sa</SubjectFromWebIdentityToken>
                <Credentials>
                  <AccessKeyId>ASIAWEB</AccessKeyId><SecretAccessKey>web/secret+key</SecretAccessKey>
                  <SessionToken>tok&amp;en</SessionToken><Expiration>2030-01-01T12:00:00Z</Expiration>
                </Credentials>
                <AssumedRoleUser><Arn>arn:aws:sts::1:assumed-role/r/s</Arn><AssumedRoleId>AROA:s</AssumedRoleId></AssumedRoleUser>
              </AssumeRoleWithWebIdentityResult>
              <ResponseMetadata><RequestId>1</RequestId></ResponseMetadata>
            </AssumeRoleWithWebIdentityResponse>
            """
        let c = try STSResponse.parse(status: 200, body: Array(xml.utf8), action: "AssumeRoleWithWebIdentity", now: 5)
        #expect(
            c.credentials
                == SigV4Credentials(accessKeyID: "ASIAWEB", secretAccessKey: "web/secret+key", sessionToken: "tok&en"))
        #expect(c.expiration == AmzDate(iso8601: "2030-01-01T12:00:00Z")!.secondsSince1970)
        #expect(c.obtainedAt == 5)
    }

    @Test func assumeRoleAnswerWithFractionalExpiry() throws {
        let xml = """
            <AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>ASIA1</AccessKeyId>
            <SecretAccessKey>s</SecretAccessKey><SessionToken>t</SessionToken>
            <Expiration>2030-01-01T12:00:00.123Z</Expiration></Credentials></AssumeRoleResult></AssumeRoleResponse>
            """
        let c = try STSResponse.parse(status: 200, body: Array(xml.utf8), action: "AssumeRole", now: 0)
        #expect(
            c.credentials.accessKeyID == "ASIA1"
                && c.expiration == AmzDate(iso8601: "2030-01-01T12:00:00Z")!.secondsSince1970)
        // The wrong action's answer is not taken for this one.
        #expect(throws: S3Error.self) {
            try STSResponse.parse(status: 200, body: Array(xml.utf8), action: "AssumeRoleWithWebIdentity", now: 0)
        }
    }

    @Test func errorAnswer() {
        let xml = """
            <ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>
            <Code>InvalidIdentityToken</Code><Message>No OpenIDConnect provider found</Message></Error>
            <RequestId>x</RequestId></ErrorResponse>
            """
        do {
            _ = try STSResponse.parse(status: 400, body: Array(xml.utf8), action: "AssumeRoleWithWebIdentity", now: 0)
            Issue.record("expected a failure")
        } catch let failure as STSResponse.Failure {
            #expect(
                failure == .init(status: 400, code: "InvalidIdentityToken", message: "No OpenIDConnect provider found"))
            #expect(failure.isRetriable)
        } catch { Issue.record("unexpected \(error)") }
        #expect(!STSResponse.Failure(status: 403, code: "AccessDenied", message: "").isRetriable)
        #expect(STSResponse.Failure(status: 503, code: "", message: "").isRetriable)
    }

    @Test func formBodyEncodesValues() {
        #expect(
            STSResponse.formBody(
                action: "AssumeRole", parameters: [("RoleArn", "arn:aws:iam::1:role/a b"), ("RoleSessionName", "s=1")])
                == "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A1%3Arole%2Fa%20b&RoleSessionName=s%3D1"
        )
    }
}
