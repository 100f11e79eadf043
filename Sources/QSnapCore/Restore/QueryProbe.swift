/// The nearest-vector queries that probe a restored collection, built from one point's `vector` as Qdrant returns
/// it: an unnamed dense or multi-vector (an array), or named vectors (an object of dense arrays, multi-vectors
/// — arrays of arrays — and sparse `{indices, values}` vectors).
public enum QueryProbe {
    /// One `POST /collections/{c}/points/query` body per vector, labelled `dense`, `multi`, `dense(name)`,
    /// `multi(name)` or `sparse(name)`.
    public static func queries(for vector: JSONValue) -> [(label: String, body: JSONValue)] {
        func body(_ query: JSONValue, using: String?) -> JSONValue {
            var b: [String: JSONValue] = ["query": query, "limit": .integer(1)]
            if let using { b["using"] = .string(using) }
            return .object(b)
        }
        if let kind = kind(of: vector) { return [(kind, body(vector, using: nil))] }
        guard let named = vector.objectValue else { return [] }
        return named.keys.sorted().compactMap { name in
            guard let value = named[name], let kind = kind(of: value) else { return nil }
            return ("\(kind)(\(name))", body(value, using: name))
        }
    }

    /// `dense`, `multi` or `sparse` for a vector value, `nil` for anything else (an empty or malformed vector).
    static func kind(of value: JSONValue) -> String? {
        if let a = value.arrayValue, let first = a.first {
            if first.isNumber, a.allSatisfy(\.isNumber) { return "dense" }
            if let inner = first.arrayValue, !inner.isEmpty,
                a.allSatisfy({ $0.arrayValue?.allSatisfy(\.isNumber) == true })
            {
                return "multi"
            }
            return nil
        }
        if let indices = value["indices"]?.arrayValue, let values = value["values"]?.arrayValue,
            !indices.isEmpty, indices.count == values.count
        {
            return "sparse"
        }
        return nil
    }
}
