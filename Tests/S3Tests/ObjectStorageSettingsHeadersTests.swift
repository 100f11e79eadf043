import QSnapCore
import Testing

@testable import S3

@Suite struct ObjectStorageSettingsHeadersTests {
    @Test func headersForDataAndMetadataObjects() {
        let s = ObjectStorageSettings(
            encryption: .kms, kmsKeyID: "arn:aws:kms:eu-west-1:1:key/abc", bucketKeyEnabled: true,
            storageClass: "STANDARD_IA", objectTags: [.init(key: "team", value: "a b"), .init(key: "x", value: "1&2")])
        let data = s.headers(for: .data)
        #expect(
            data.map(\.name) == [
                "x-amz-server-side-encryption", "x-amz-server-side-encryption-aws-kms-key-id",
                "x-amz-server-side-encryption-bucket-key-enabled", "x-amz-storage-class", "x-amz-tagging",
            ])
        #expect(data.last?.value == "team=a%20b&x=1%262")
        #expect(!s.headers(for: .record).contains { $0.name == "x-amz-storage-class" })
        #expect(ObjectStorageSettings().headers(for: .data).isEmpty)
        let locked = ObjectStorageSettings(objectLock: .init(mode: .compliance, retainUntil: "2030-01-01T00:00:00Z"))
        #expect(locked.headers(for: .record).map(\.value) == ["COMPLIANCE", "2030-01-01T00:00:00Z"])
        #expect(locked.headers(for: .data).count == 2 && locked.headers(for: .control).isEmpty)
    }
}
