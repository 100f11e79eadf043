import Foundation

/// The base URL of the Qdrant Cloud management API (`--cloud-api-url`, default `https://api.cloud.qdrant.io`),
/// checked once: http or https, a host, no query; plain `http://` only to a loopback address, because every
/// request carries the management key.
public struct CloudAPIEndpoint: Sendable, Equatable {
    /// The public API's address.
    public static let defaultURL = "https://api.cloud.qdrant.io"

    /// The base, without a trailing slash (a path prefix of a proxy is kept).
    public let base: String

    /// Parses and checks `url`.
    /// - Throws: `usage("cloud.url")` for a malformed URL, `usage("cloud.insecure-url")` for `http://` to a
    ///   host that is not loopback.
    public init(_ url: String) throws {
        guard let parts = URLComponents(string: url), let scheme = parts.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = parts.host, !host.isEmpty,
            parts.query == nil, parts.fragment == nil, parts.user == nil, parts.password == nil
        else {
            throw QSnapError(
                .cloudUrl,
                "--cloud-api-url '\(url)' is not an http(s) URL without query or credentials; the default is \(Self.defaultURL)"
            )
        }
        if scheme == "http", !Self.isLoopback(host) {
            throw QSnapError(
                .cloudInsecureUrl,
                "refusing to send the management key over plain http to \(host): use https:// (plain http is allowed "
                    + "only to a loopback address, e.g. a local test double)")
        }
        var text = url
        while text.hasSuffix("/") { text.removeLast() }
        base = text
    }

    /// True for `localhost`, `127.x.x.x` and `::1`.
    public static func isLoopback(_ host: String) -> Bool {
        let h = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        return h == "localhost" || h == "::1" || h.hasPrefix("127.")
    }

    /// The full URL of `path` with `query` items percent-encoded (RFC 3986 unreserved characters kept).
    public func url(path: String, query: [(String, String)] = []) -> String {
        guard !query.isEmpty else { return base + path }
        let items = query.map { Self.encodeQueryComponent($0.0) + "=" + Self.encodeQueryComponent($0.1) }
        return base + path + "?" + items.joined(separator: "&")
    }

    /// RFC 3986 unreserved characters; every other UTF-8 byte of a query name or value becomes `%XX`.
    private static let unreserved = CharacterSet(
        charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

    /// `text` with every byte outside ``unreserved`` percent-encoded (upper-case hex; space is `%20`, `/` is `%2F`).
    static func encodeQueryComponent(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: unreserved) ?? text
    }
}
