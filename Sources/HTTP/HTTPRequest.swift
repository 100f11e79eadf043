import QSnapCore

/// A request for ``HTTPClient``: method, encoded URL, headers and timeouts. The body is passed separately
/// (``HTTPRequestBody`` holds closures and is not `Sendable`).
public struct HTTPRequest: Sendable {
    /// The method: `GET`, `PUT`, `POST`, `DELETE`, `HEAD`, …
    public var method: String
    /// The fully encoded URL, sent exactly as given (no dot-segment squashing).
    public var url: String
    /// Headers, sent in order. `Expect:` is suppressed unless a header named `Expect` is given.
    public var headers: [HTTPHeader]
    /// The total time limit in seconds, or `nil` for none. A transfer slower than 1 byte/s for
    /// ``lowSpeedTime`` seconds is aborted regardless.
    public var timeout: Double?
    /// The connect time limit in seconds.
    public var connectTimeout: Double
    /// Seconds below 1 byte/s after which a stalled transfer is aborted.
    public var lowSpeedTime: Int

    /// Creates a request.
    /// - Parameters:
    ///   - method: the HTTP method.
    ///   - url: the encoded URL.
    ///   - headers: headers in order.
    ///   - timeout: total seconds, `nil` for none.
    public init(method: String, url: String, headers: [HTTPHeader] = [], timeout: Double? = 300) {
        self.method = method
        self.url = url
        self.headers = headers
        self.timeout = timeout
        self.connectTimeout = 10
        self.lowSpeedTime = 60
    }
}
