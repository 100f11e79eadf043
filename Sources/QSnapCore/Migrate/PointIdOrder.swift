/// Qdrant's order of point ids, the order `scroll` pages in: every integer id before every UUID, integers by value,
/// UUIDs by their 128-bit value (the order of their canonical lower-case text).
public enum PointIdOrder {
    /// The sort key of an id, or `nil` for a value that is not a point id.
    public static func key(_ id: JSONValue) -> Key? {
        if let n = id.uint64Value { return .integer(n) }
        if let s = id.stringValue { return .uuid(s.lowercased()) }
        return nil
    }

    /// A comparable point id.
    public enum Key: Comparable, Sendable {
        case integer(UInt64)
        case uuid(String)
    }

    /// `count - 1` boundaries that split the sampled ids into `count` ranges of about equal size, ascending and
    /// distinct (fewer when the sample has fewer distinct ids). Range `i` runs from boundary `i - 1` (inclusive;
    /// the start of the collection for the first) to boundary `i` (exclusive; the end for the last).
    public static func boundaries(sample: [JSONValue], count: Int) -> [JSONValue] {
        let sorted = sample.compactMap { id in key(id).map { (key: $0, id: id) } }.sorted { $0.key < $1.key }
        guard count > 1, sorted.count >= count else { return [] }
        var out: [(key: Key, id: JSONValue)] = []
        for i in 1..<count {
            let pick = sorted[i * sorted.count / count]
            if let last = out.last, last.key >= pick.key { continue }
            out.append(pick)
        }
        return out.map(\.id)
    }
}
