/// Resource quotas and the disk and memory usage they are measured against (`GET /quotas`, Qdrant 1.19+).
public struct QuotaInfo: Sendable, Hashable, Decodable {
    /// What one peer reports about itself.
    public struct PeerUsage: Sendable, Hashable, Decodable {
        /// True when the peer is at or over a limit and refuses updates.
        public var exceeded: Bool
        /// Used space of the peer's storage filesystem, in percent.
        public var diskUsagePercent: Int?
        /// Resident memory of the peer's process, in percent of what it may use.
        public var residentMemoryPercent: Int?

        enum CodingKeys: String, CodingKey {
            case exceeded
            case diskUsagePercent = "disk_usage_percent"
            case residentMemoryPercent = "resident_memory_percent"
        }
    }

    /// True when the limits are enforced.
    public var enabled: Bool
    /// The disk limit in percent, when set.
    public var maxDiskUsagePercent: Int?
    /// The memory limit in percent, when set.
    public var maxResidentMemoryPercent: Int?
    /// Used space of the answering node's storage filesystem, in percent (1 % granularity).
    public var diskUsagePercent: Int?
    /// Resident memory of the answering node, in percent.
    public var residentMemoryPercent: Int?
    /// Usage per peer id (distributed mode only; a missing peer did not answer).
    public var peers: [UInt64: PeerUsage]

    private struct Config: Decodable {
        var enabled: Bool?
        var max_disk_usage_percent: Int?
        var max_resident_memory_percent: Int?
    }
    private struct Usage: Decodable {
        var disk_usage_percent: Int?
        var resident_memory_percent: Int?
    }
    private enum CodingKeys: String, CodingKey { case config, usage, peers }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let config = try c.decodeIfPresent(Config.self, forKey: .config)
        enabled = config?.enabled ?? false
        maxDiskUsagePercent = config?.max_disk_usage_percent
        maxResidentMemoryPercent = config?.max_resident_memory_percent
        let usage = try c.decodeIfPresent(Usage.self, forKey: .usage)
        diskUsagePercent = usage?.disk_usage_percent
        residentMemoryPercent = usage?.resident_memory_percent
        var peers: [UInt64: PeerUsage] = [:]
        for (key, value) in try c.decodeIfPresent([String: PeerUsage].self, forKey: .peers) ?? [:] {
            guard let id = UInt64(key) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .peers, in: c, debugDescription: "peer id \"\(key)\" is not an unsigned integer")
            }
            peers[id] = value
        }
        self.peers = peers
    }
}
