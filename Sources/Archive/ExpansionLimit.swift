/// How far a compressed archive may expand before the reader refuses it as a decompression bomb.
///
/// Qdrant writes snapshots as plain tar; a compressed copy of real data shrinks a few times, rarely a hundred. A
/// stream that unpacks to more than `floorBytes` *and* more than `ratio` times the compressed bytes read so far is
/// refused (`archive.expansion`, exit 3) before it can keep a CPU busy for minutes. Checked between reads and while
/// skipping entry data; plain (uncompressed) input is never limited.
public struct ExpansionLimit: Sendable, Equatable {
    /// Largest accepted ratio of unpacked to compressed bytes once `floorBytes` are unpacked.
    public var ratio: Int64
    /// Unpacked bytes below which any ratio is accepted.
    public var floorBytes: Int64

    /// Creates a limit.
    public init(ratio: Int64, floorBytes: Int64) {
        self.ratio = ratio
        self.floorBytes = floorBytes
    }

    /// 1000× once past 1 GiB.
    public static let `default` = ExpansionLimit(ratio: 1000, floorBytes: 1 << 30)

    /// True when `unpacked` bytes from `packed` compressed bytes exceed the limit.
    public func isExceeded(unpacked: Int64, packed: Int64) -> Bool {
        guard unpacked > floorBytes else { return false }
        let (bound, overflow) = ratio.multipliedReportingOverflow(by: max(packed, 1))
        return !overflow && unpacked > bound
    }
}
