/// The RAM gate: the target's memory must hold the restored collections' in-memory footprint
/// (``MemoryFootprint``) times their replication factor, summed over the target nodes.
public enum MemoryGate {
    /// One collection's figures.
    public struct Collection: Sendable, Equatable {
        /// The collection name.
        public var name: String
        /// ``MemoryFootprint/bytes(config:points:)`` of one replica.
        public var footprintBytes: Int64
        /// Replicas of each shard the target will hold.
        public var replicas: Int

        /// Creates a collection's figures.
        public init(name: String, footprintBytes: Int64, replicas: Int) {
            self.name = name
            self.footprintBytes = footprintBytes
            self.replicas = replicas
        }
    }

    /// Evaluates the gate.
    /// - Parameters:
    ///   - collections: what the restore brings.
    ///   - nodeRAM: `ram_size` of every target node (`nil` when a node does not report it).
    public static func evaluate(collections: [Collection], nodeRAM: [Int64?]) -> RestoreGateResult {
        let need = collections.reduce(Int64(0)) { $0 + $1.footprintBytes * Int64(max($1.replicas, 1)) }
        var figures = ["needBytes": String(need)]
        for c in collections { figures["\(c.name).footprintBytes"] = String(c.footprintBytes) }
        guard !nodeRAM.isEmpty, nodeRAM.allSatisfy({ $0 != nil }) else {
            figures["ramBytes"] = "unknown"
            return RestoreGateResult(
                gate: .ram, passed: false, figures: figures,
                detail: "a target node does not report its RAM (/telemetry app.system.ram_size); check that "
                    + "\(ByteCount.format(need)) fit in memory and pass --force-ram")
        }
        let have = nodeRAM.reduce(Int64(0)) { $0 + ($1 ?? 0) }
        figures["ramBytes"] = String(have)
        if need <= have {
            return RestoreGateResult(
                gate: .ram, passed: true, figures: figures,
                detail: "estimated footprint \(ByteCount.format(need)) fits in \(ByteCount.format(have)) of target RAM")
        }
        return RestoreGateResult(
            gate: .ram, passed: false, figures: figures,
            detail: "estimated footprint \(ByteCount.format(need)) exceeds the target's \(ByteCount.format(have)) of "
                + "RAM. Add memory or nodes, or move vectors on disk (on_disk) before backing up again.")
    }
}
