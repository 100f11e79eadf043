import QSnapCore
import Testing

@testable import S3

@Suite struct AWSCredentialDocumentTests {
    static func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

    @Test func containerDocument() throws {
        let c = try AWSCredentialDocument.parse(
            Self.bytes(
                #"{"AccessKeyId":"ASIAC","SecretAccessKey":"sec","Token":"tok","Expiration":"2030-01-01T00:00:00Z","RoleArn":"r"}"#
            ),
            format: .container, origin: "x", now: 9)
        #expect(c.credentials == SigV4Credentials(accessKeyID: "ASIAC", secretAccessKey: "sec", sessionToken: "tok"))
        #expect(c.expiration == AmzDate(iso8601: "2030-01-01T00:00:00Z")!.secondsSince1970 && c.obtainedAt == 9)
    }

    @Test func instanceMetadataDocument() throws {
        let ok =
            #"{"Code":"Success","Type":"AWS-HMAC","AccessKeyId":"ASIAI","SecretAccessKey":"s","Token":"t","Expiration":"2030-01-01T00:00:00Z"}"#
        #expect(
            try AWSCredentialDocument.parse(Self.bytes(ok), format: .instanceMetadata, origin: "x", now: 0).credentials
                .accessKeyID == "ASIAI")
        let failed = #"{"Code":"AssumeRoleUnauthorizedAccess","AccessKeyId":"A","SecretAccessKey":"s"}"#
        #expect(throws: S3Error.self) {
            try AWSCredentialDocument.parse(Self.bytes(failed), format: .instanceMetadata, origin: "x", now: 0)
        }
    }

    @Test func processDocument() throws {
        let c = try AWSCredentialDocument.parse(
            Self.bytes(#"{"Version":1,"AccessKeyId":"AKP","SecretAccessKey":"s","SessionToken":"st"}"#),
            format: .process, origin: "x", now: 0)
        #expect(c.credentials.sessionToken == "st" && c.expiration == nil)
        #expect(throws: S3Error.self) {
            try AWSCredentialDocument.parse(
                Self.bytes(#"{"Version":2,"AccessKeyId":"A","SecretAccessKey":"s"}"#), format: .process, origin: "x",
                now: 0)
        }
    }

    @Test func malformedDocumentsNeverEchoSecrets() {
        for text in [
            #"{"AccessKeyId":"A"}"#, "not json topsecret",
            #"{"AccessKeyId":"A","SecretAccessKey":"topsecret","Expiration":"soon"}"#,
        ] {
            do {
                _ = try AWSCredentialDocument.parse(
                    Self.bytes(text), format: .container, origin: "the endpoint", now: 0)
                Issue.record("expected an error for \(text)")
            } catch let error as S3Error {
                #expect(!error.message.contains("topsecret") && error.message.contains("the endpoint"))
            } catch { Issue.record("unexpected \(error)") }
        }
    }

    @Test func expirationForms() {
        let base = AmzDate(iso8601: "2030-01-01T12:00:00Z")!.secondsSince1970
        #expect(AWSCredentialDocument.parseExpiration("2030-01-01T12:00:00Z") == base)
        #expect(AWSCredentialDocument.parseExpiration("2030-01-01T12:00:00.5Z") == base)
        #expect(AWSCredentialDocument.parseExpiration("2030-01-01T12:00:00+00:00") == base)
        #expect(AWSCredentialDocument.parseExpiration("2030-01-01T14:00:00+02:00") == base)
        #expect(AWSCredentialDocument.parseExpiration("tomorrow") == nil)
    }
}
