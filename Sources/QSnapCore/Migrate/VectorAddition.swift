/// A vector `qsnap migrate --add-vector` adds for an embedding-model change: `NAME:SIZE:DISTANCE` (dense) or
/// `NAME:sparse`.
public struct VectorAddition: Sendable, Equatable, Codable {
    /// The new named vector.
    public var name: String
    /// Dimensions of a dense vector; `nil` for a sparse one.
    public var size: Int?
    /// `Cosine`, `Dot`, `Euclid` or `Manhattan` for a dense vector.
    public var distance: String?

    /// True for a sparse vector.
    public var isSparse: Bool { size == nil }

    static let distances = ["cosine": "Cosine", "dot": "Dot", "euclid": "Euclid", "manhattan": "Manhattan"]

    /// Parses `NAME:SIZE:DISTANCE` or `NAME:sparse`.
    /// - Throws: `usage("migrate.add-vector")` naming what is wrong.
    public init(parsing text: String) throws {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        let usage = "--add-vector takes NAME:SIZE:DISTANCE (e.g. text-v2:768:Cosine) or NAME:sparse, got \(text)"
        guard let name = parts.first, !name.isEmpty else { throw QSnapError(.migrateAddVector, usage) }
        self.name = name
        if parts.count == 2, parts[1].lowercased() == "sparse" {
            size = nil
            distance = nil
            return
        }
        guard parts.count == 3, let size = Int(parts[1]), size > 0, size <= 65_536,
            let distance = Self.distances[parts[2].lowercased()]
        else {
            throw QSnapError(.migrateAddVector, usage + "; DISTANCE is Cosine, Dot, Euclid or Manhattan")
        }
        self.size = size
        self.distance = distance
    }

    /// The body of `PUT /collections/{c}/vectors/{name}` (Qdrant ≥ 1.18).
    public var schemaBody: JSONValue {
        if isSparse { return .object(["sparse": .object([:])]) }
        return .object(["dense": .object(["size": .integer(Int64(size!)), "distance": .string(distance!)])])
    }

    /// The vector's parameters in a create-collection body (`vectors.NAME` or `sparse_vectors.NAME`).
    public var params: JSONValue {
        isSparse ? .object([:]) : .object(["size": .integer(Int64(size!)), "distance": .string(distance!)])
    }
}
