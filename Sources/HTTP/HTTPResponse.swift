/// A response: status, headers and (unless a body sink was given) the body.
public struct HTTPResponse: Sendable {
    /// The HTTP status code of the final response.
    public var status: Int
    /// The headers of the final response, in order.
    public var headers: [HTTPHeader]
    /// The body; empty when the caller consumed it through `onBody`.
    public var body: [UInt8]

    /// Creates a response.
    public init(status: Int, headers: [HTTPHeader], body: [UInt8]) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// The value of the first header named `name`, case-insensitive; `nil` if absent.
    public func header(_ name: String) -> String? { headers.first(named: name) }

    /// The body as UTF-8 text (invalid bytes replaced).
    public var bodyText: String { String(decoding: body, as: UTF8.self) }
}
