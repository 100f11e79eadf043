import Testing

@testable import S3

@Suite struct S3PartSizingTests {
    @Test func growsToStayWithin10000Parts() {
        let mib = S3PartSizing.mebibyte
        #expect(S3PartSizing.partSize(configured: 8 * mib, expectedSize: nil) == 8 * mib)
        #expect(S3PartSizing.partSize(configured: 8 * mib, expectedSize: 4 << 30) == 8 * mib)
        let hundredGB: Int64 = 100 << 30
        let size = S3PartSizing.partSize(configured: 8 * mib, expectedSize: hundredGB)
        #expect(size == 11 * mib)
        #expect(S3PartSizing.partCount(size: hundredGB, partSize: size) <= 10_000)
        let fiveTiB: Int64 = 5 << 40
        let big = S3PartSizing.partSize(configured: 8 * mib, expectedSize: fiveTiB)
        #expect(big % mib == 0 && S3PartSizing.partCount(size: fiveTiB, partSize: big) <= 10_000)
        #expect(S3PartSizing.partSize(configured: 8 * mib, expectedSize: 100 << 40) == S3PartSizing.maximumPartSize)
        #expect(S3PartSizing.partCount(size: 0, partSize: mib) == 1)
    }
}
