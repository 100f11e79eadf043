/// One HTTP header field.
public struct HTTPHeader: Sendable, Hashable {
    /// The field name, as sent or received.
    public var name: String
    /// The field value.
    public var value: String

    /// Creates a header field.
    public init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

extension Array where Element == HTTPHeader {
    /// The value of the first header named `name` (case-insensitive), or `nil`.
    public func first(named name: String) -> String? {
        let lower = name.lowercased()
        return first { $0.name.lowercased() == lower }?.value
    }
}
