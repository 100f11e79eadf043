/// How ``SnapshotInspector`` reads an archive.
public struct InspectOptions: Sendable {
    /// The expected SHA-256 of the raw archive bytes (hex, any case); verified in the same pass.
    public var expectedSHA256: String?
    /// Where the expected checksum came from (`flag`, `sidecar`, `manifest`).
    public var checksumSource: String?
    /// Compute the SHA-256 even without an expected value.
    public var computeSHA256: Bool
    /// Read every nested segment archive (checks every entry at every level). When false, only the first segment
    /// archive of each shard is peeked at and entry data is skipped with seeks where the input allows.
    public var deep: Bool
    /// How far compressed input (at any level) may expand before it is refused as a decompression bomb.
    public var expansionLimit: ExpansionLimit = .default

    /// Creates options.
    public init(
        expectedSHA256: String? = nil, checksumSource: String? = nil, computeSHA256: Bool = false, deep: Bool = true
    ) {
        self.expectedSHA256 = expectedSHA256
        self.checksumSource = checksumSource
        self.computeSHA256 = computeSHA256
        self.deep = deep
    }
}
