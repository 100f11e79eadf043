/// The node's view of the cluster (`GET /cluster`).
public struct ClusterInfo: Sendable, Hashable, Decodable {
    /// True when the node runs in distributed mode.
    public var enabled: Bool
    /// This node's peer id (distributed mode only).
    public var peerId: UInt64?
    /// Every known peer id and its internal (p2p) URI.
    public var peers: [UInt64: String]
    /// The raft leader's peer id, when known.
    public var leader: UInt64?
    /// This node's raft role (`Leader`, `Follower`, …), when known.
    public var role: String?

    /// Creates a value.
    public init(
        enabled: Bool, peerId: UInt64? = nil, peers: [UInt64: String] = [:], leader: UInt64? = nil,
        role: String? = nil
    ) {
        self.enabled = enabled
        self.peerId = peerId
        self.peers = peers
        self.leader = leader
        self.role = role
    }

    enum CodingKeys: String, CodingKey {
        case status, peers
        case peerId = "peer_id"
        case raftInfo = "raft_info"
    }

    struct Peer: Decodable { var uri: String }
    struct Raft: Decodable {
        var leader: UInt64?
        var role: String?
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let status = try c.decode(String.self, forKey: .status)
        enabled = status == "enabled"
        peerId = try c.decodeIfPresent(UInt64.self, forKey: .peerId)
        var peers: [UInt64: String] = [:]
        for (key, peer) in try c.decodeIfPresent([String: Peer].self, forKey: .peers) ?? [:] {
            guard let id = UInt64(key) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .peers, in: c, debugDescription: "peer id \"\(key)\" is not an unsigned integer")
            }
            peers[id] = peer.uri
        }
        self.peers = peers
        let raft = try c.decodeIfPresent(Raft.self, forKey: .raftInfo)
        leader = raft?.leader
        role = raft?.role
    }
}
