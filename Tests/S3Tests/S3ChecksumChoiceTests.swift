import QSnapCore
import Testing

@testable import S3

@Suite struct S3ChecksumChoiceTests {
    @Test func algorithms() {
        #expect(S3ChecksumChoice.auto.algorithm(signsPayload: true) == .sha256)
        #expect(S3ChecksumChoice.auto.algorithm(signsPayload: false) == .crc32)
        #expect(S3ChecksumChoice.crc32c.algorithm(signsPayload: true) == .crc32c)
        #expect(S3ChecksumChoice.md5.algorithm(signsPayload: false) == nil)
        #expect(S3ChecksumChoice.none.algorithm(signsPayload: false) == nil)
        #expect(S3ChecksumChoice.md5.sendsContentMD5(checksumRejected: false))
        #expect(!S3ChecksumChoice.auto.sendsContentMD5(checksumRejected: false))
        #expect(S3ChecksumChoice.crc32.sendsContentMD5(checksumRejected: true))
        #expect(!S3ChecksumChoice.none.sendsContentMD5(checksumRejected: true))
    }

    @Test func rejectionsOfChecksumHeadersAreRecognised() {
        #expect(
            S3ServiceError(
                status: 400, code: "InvalidArgument",
                message: "Unsupported header 'x-amz-sdk-checksum-algorithm' received for this API call."
            ).isChecksumRejection)
        #expect(
            S3ServiceError(
                status: 501, code: "NotImplemented",
                message: "Header 'x-amz-checksum-crc32' with value 'AAAA' not implemented"
            ).isChecksumRejection)
        #expect(
            !S3ServiceError(
                status: 400, code: "BadDigest",
                message: "The CRC32 you specified did not match the calculated checksum."
            ).isChecksumRejection)
        #expect(
            !S3ServiceError(status: 400, code: "InvalidArgument", message: "Part number must be an integer")
                .isChecksumRejection)
        #expect(!S3ServiceError(status: 403, code: "AccessDenied", message: "checksum").isChecksumRejection)
    }

    @Test func headersFollowTheEffectiveChecksum() throws {
        let payload = S3Payload.bytes(Array("123456789".utf8))
        let d = try payload.digests(signed: false, checksum: .crc32c, md5: true)
        #expect(d.crc32cBase64 == "4waSgw==")
        let client = try S3Client(
            configuration: S3Configuration(
                endpoint: "http://127.0.0.1:9", bucket: "bucket",
                credentials: SigV4Credentials(accessKeyID: "A", secretAccessKey: "S")))
        let headers = client.uploadHeaders(d, checksum: .crc32c)
        #expect(headers.contains { $0 == ("x-amz-checksum-crc32c", "4waSgw==") })
        #expect(headers.contains { $0 == ("x-amz-sdk-checksum-algorithm", "CRC32C") })
        let md5Only = client.uploadHeaders(d, checksum: nil)
        #expect(md5Only.map(\.name) == ["Content-MD5"])
    }
}
