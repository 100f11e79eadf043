/// Part-size rules of S3 multipart uploads (pure).
public enum S3PartSizing {
    /// 1 MiB.
    public static let mebibyte: Int64 = 1 << 20
    /// The smallest part S3 accepts (except the last one): 5 MiB.
    public static let minimumPartSize: Int64 = 5 << 20
    /// The largest part: 5 GiB.
    public static let maximumPartSize: Int64 = 5 << 30
    /// The most parts one upload may have.
    public static let maximumParts: Int64 = 10_000
    /// The default part size: 8 MiB (as `aws s3 cp`).
    public static let defaultPartSize: Int64 = 8 << 20

    /// The part size for an object of `expectedSize` bytes (if known): the configured size, grown to a whole number
    /// of MiB so that no more than 10 000 parts are needed, capped at 5 GiB.
    public static func partSize(configured: Int64, expectedSize: Int64?) -> Int64 {
        var size = max(configured, 1)
        if let expectedSize, expectedSize > 0 {
            let needed = (expectedSize + maximumParts - 1) / maximumParts
            let roundedUp = (needed + mebibyte - 1) / mebibyte * mebibyte
            size = max(size, roundedUp)
        }
        return min(size, maximumPartSize)
    }

    /// The number of parts of an object of `size` bytes cut in `partSize` pieces (at least 1).
    public static func partCount(size: Int64, partSize: Int64) -> Int64 {
        max(1, (size + partSize - 1) / partSize)
    }
}
