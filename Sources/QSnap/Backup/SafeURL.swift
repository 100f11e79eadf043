import Foundation

/// URLs as they may appear in output and manifests: no user info, no query, no fragment.
enum SafeURL {
    static func display(_ url: String) -> String {
        guard var parts = URLComponents(string: url) else { return "(unparseable URL)" }
        parts.user = nil
        parts.password = nil
        parts.query = nil
        parts.fragment = nil
        var text = parts.string ?? "(unparseable URL)"
        while text.hasSuffix("/") { text.removeLast() }
        return text
    }
}
