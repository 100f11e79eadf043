import QSnapCore

/// The state and configuration of one collection (`GET /collections/{c}`).
public struct CollectionInfo: Sendable, Hashable, Decodable {
    /// The state of the collection's optimisers.
    public enum OptimizerStatus: Sendable, Hashable, Decodable {
        /// Optimisers work as expected.
        case ok
        /// Optimisers reported an error.
        case error(String)

        public init(from decoder: any Decoder) throws {
            let c = try decoder.singleValueContainer()
            if let text = try? c.decode(String.self) {
                self = text == "ok" ? .ok : .error(text)
                return
            }
            struct Failure: Decodable { var error: String }
            self = .error(try c.decode(Failure.self).error)
        }
    }

    /// `green`, `yellow`, `grey` or `red`.
    public var status: String
    /// The optimisers' state.
    public var optimizerStatus: OptimizerStatus
    /// The **approximate** number of points; use `QdrantClient.countPoints(_:exact:)` to verify.
    public var pointsCount: Int?
    /// The approximate number of indexed vectors.
    public var indexedVectorsCount: Int?
    /// The number of segments.
    public var segmentsCount: Int
    /// The collection configuration (`params`, `hnsw_config`, …), verbatim.
    public var config: JSONValue
    /// The payload index schema, verbatim (`{}` when there is none).
    public var payloadSchema: JSONValue

    enum CodingKeys: String, CodingKey {
        case status, config
        case optimizerStatus = "optimizer_status"
        case pointsCount = "points_count"
        case indexedVectorsCount = "indexed_vectors_count"
        case segmentsCount = "segments_count"
        case payloadSchema = "payload_schema"
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        status = try c.decode(String.self, forKey: .status)
        optimizerStatus = try c.decode(OptimizerStatus.self, forKey: .optimizerStatus)
        pointsCount = try c.decodeIfPresent(Int.self, forKey: .pointsCount)
        indexedVectorsCount = try c.decodeIfPresent(Int.self, forKey: .indexedVectorsCount)
        segmentsCount = try c.decode(Int.self, forKey: .segmentsCount)
        config = try c.decode(JSONValue.self, forKey: .config)
        payloadSchema = try c.decodeIfPresent(JSONValue.self, forKey: .payloadSchema) ?? .object([:])
    }
}
