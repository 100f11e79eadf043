/// The disk gate: recovery needs the snapshot plus its unpacked copy, so every target node needs free space of at
/// least ``factor`` × the bytes of the snapshots it receives (Qdrant itself checks no free space).
public enum DiskGate {
    /// Free space needed per byte received.
    public static let factor: Int64 = 2

    /// One target node's figures.
    public struct Node: Codable, Sendable, Equatable {
        /// The node's REST URL (display form).
        public var url: String
        /// Bytes of the snapshots the plan sends to this node.
        public var incomingBytes: Int64
        /// Free bytes on the node's storage filesystem; `nil` when unknown.
        public var freeBytes: Int64?
        /// Where `freeBytes` comes from: `telemetry+quotas` or `statvfs`.
        public var freeSource: String

        /// Creates a node's figures.
        public init(url: String, incomingBytes: Int64, freeBytes: Int64?, freeSource: String) {
            self.url = url
            self.incomingBytes = incomingBytes
            self.freeBytes = freeBytes
            self.freeSource = freeSource
        }
    }

    /// Free bytes from `/telemetry` `disk_size` (total capacity) and `/quotas` `disk_usage_percent`:
    /// `size × (100 − percent) / 100`.
    public static func freeBytes(diskSizeBytes: Int64, usagePercent: Int) -> Int64 {
        let percent = Int64(min(max(usagePercent, 0), 100))
        return diskSizeBytes / 100 * (100 - percent) + (diskSizeBytes % 100) * (100 - percent) / 100
    }

    /// Evaluates the gate over every node that receives something.
    public static func evaluate(nodes: [Node]) -> RestoreGateResult {
        var figures: [String: String] = [:]
        var problems: [String] = []
        for node in nodes {
            let need = node.incomingBytes * factor
            figures["\(node.url).needBytes"] = String(need)
            figures["\(node.url).freeBytes"] = node.freeBytes.map(String.init) ?? "unknown"
            guard node.incomingBytes > 0 else { continue }
            guard let free = node.freeBytes else {
                problems.append(
                    "\(node.url): free space unknown (no /quotas disk usage); give --storage-path on the "
                        + "node's host or check by hand")
                continue
            }
            if free < need {
                problems.append(
                    "\(node.url) needs \(ByteCount.format(need)) (\(factor)× \(ByteCount.format(node.incomingBytes)) "
                        + "of snapshots) but has \(ByteCount.format(free)) free (\(node.freeSource))")
            }
        }
        if problems.isEmpty {
            return RestoreGateResult(
                gate: .disk, passed: true, figures: figures,
                detail: "every target node has at least \(factor)× the bytes it receives free")
        }
        return RestoreGateResult(
            gate: .disk, passed: false, figures: figures,
            detail: problems.joined(separator: "; ") + ". Free space on the target first.")
    }
}
