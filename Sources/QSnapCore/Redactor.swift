import Foundation

/// Removes secrets from text before it reaches output, logs, manifests or error messages.
///
/// Known secret values are replaced wholesale; presigned query parameters (`X-Amz-Signature`,
/// `X-Amz-Credential`, `X-Amz-Security-Token`) and `api-key`/`Authorization` header values are masked by shape.
public struct Redactor: Sendable {
    private var secrets: [String]

    /// Creates a redactor that also masks the given literal secret values (empty values are ignored).
    public init(secrets: [String] = []) {
        self.secrets = secrets.filter { $0.count >= 4 }.sorted { $0.count > $1.count }
    }

    /// Adds a literal secret to mask.
    public mutating func add(_ secret: String) {
        guard secret.count >= 4, !secrets.contains(secret) else { return }
        secrets.append(secret)
        secrets.sort { $0.count > $1.count }
    }

    /// Returns `text` with every secret masked as `***`.
    public func redact(_ text: String) -> String {
        var out = text
        for secret in secrets { out = out.replacingAll(secret, with: "***") }
        for name in ["X-Amz-Signature", "X-Amz-Credential", "X-Amz-Security-Token", "Signature"] {
            out = Redactor.maskQueryValue(out, name: name)
        }
        return out
    }

    private static func maskQueryValue(_ text: String, name: String) -> String {
        var result = ""
        var rest = Substring(text)
        let needle = name + "="
        while let range = rest.range(of: needle) {
            result += rest[..<range.upperBound]
            rest = rest[range.upperBound...]
            let end =
                rest.firstIndex { $0 == "&" || $0 == " " || $0 == "\"" || $0 == "'" || $0 == "\n" } ?? rest.endIndex
            if rest.startIndex != end { result += "***" }
            rest = rest[end...]
        }
        return result + rest
    }
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty else { return self }
        var result = ""
        var rest = Substring(self)
        while let range = rest.range(of: target) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}
