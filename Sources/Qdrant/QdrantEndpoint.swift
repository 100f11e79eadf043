import QSnapCore

/// Builds request URLs: a normalised base URL plus percent-encoded path segments and query parameters.
///
/// Every path segment is encoded on its own, so a collection or snapshot name can never add a path level, a query
/// or a fragment (`/` → `%2F`, `?` → `%3F`, `%` → `%25`).
struct QdrantEndpoint: Sendable, Hashable {
    /// The base URL without trailing slashes (may carry a path prefix of a reverse proxy).
    let base: String
    /// The base URL as shown in messages: user information removed.
    let displayBase: String

    /// Normalises `baseURL`; throws `usage("qdrant.url")` unless it is an absolute `http(s)` URL.
    init(baseURL: String) throws {
        var text = baseURL.trimmingCharacters(in: .whitespacesAndNewlines)
        while text.hasSuffix("/") { text.removeLast() }
        let lower = text.lowercased()
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://"),
            let schemeEnd = text.range(of: "://")
        else {
            throw QdrantError(
                .url,
                "The Qdrant URL \"\(QdrantEndpoint.stripUserInfo(text))\" is not an http:// or https:// URL. "
                    + "Give it as, for example, http://localhost:6333.")
        }
        let rest = text[schemeEnd.upperBound...]
        let host = rest.prefix { $0 != "/" }
        guard !host.isEmpty, !text.contains("?"), !text.contains("#"), !text.contains(" ") else {
            throw QdrantError(
                .url,
                "The Qdrant URL \"\(QdrantEndpoint.stripUserInfo(text))\" needs a host and no query, fragment or "
                    + "spaces, for example http://localhost:6333.")
        }
        base = text
        displayBase = QdrantEndpoint.stripUserInfo(text)
    }

    /// The encoded path for `segments` (always starting with `/`; `/` alone for no segments).
    static func path(_ segments: [String]) -> String {
        "/"
            + segments.map { segment in
                // "." and ".." would be squashed by URL normalisation: send them as literal names.
                segment == "." || segment == ".."
                    ? String(repeating: "%2E", count: segment.count)
                    : encode(segment, allowed: pathAllowed)
            }.joined(separator: "/")
    }

    /// The encoded query string (without `?`) for `items`, in order.
    static func query(_ items: [(String, String)]) -> String {
        items.map { "\(encode($0.0, allowed: unreserved))=\(encode($0.1, allowed: unreserved))" }
            .joined(separator: "&")
    }

    /// The full URL of `path` (already encoded) with an optional query.
    func url(path: String, query items: [(String, String)] = []) -> String {
        let q = items.isEmpty ? "" : "?" + QdrantEndpoint.query(items)
        return base + (path == "/" && base.hasSuffix("/") ? "" : path) + q
    }

    /// `text` with `user:password@` removed from the authority.
    static func stripUserInfo(_ text: String) -> String {
        guard let schemeEnd = text.range(of: "://") else { return text }
        let authorityEnd = text[schemeEnd.upperBound...].firstIndex(of: "/") ?? text.endIndex
        guard let at = text[schemeEnd.upperBound..<authorityEnd].lastIndex(of: "@") else { return text }
        return String(text[..<schemeEnd.upperBound]) + String(text[text.index(after: at)...])
    }

    private static let unreserved: Set<UInt8> = Set(
        Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8))
    private static let pathAllowed: Set<UInt8> = unreserved.union(Array("!$&'()*+,;=:@".utf8))

    private static func encode(_ text: String, allowed: Set<UInt8>) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        for b in text.utf8 {
            if allowed.contains(b) {
                out.append(b)
            } else {
                out.append(UInt8(ascii: "%"))
                out.append(hex[Int(b >> 4)])
                out.append(hex[Int(b & 0x0f)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
