import Foundation
import QSnapCore

/// Fills `{fact}` placeholders in step, warning and reason texts.
public enum AdviceTemplate {
    /// The placeholder names in `text`, in order (`{collection}` → `collection`).
    public static func placeholders(in text: String) -> [String] {
        var out: [String] = []
        var rest = Substring(text)
        while let open = rest.firstIndex(of: "{") {
            let after = rest[rest.index(after: open)...]
            guard let close = after.firstIndex(of: "}") else { break }
            let name = String(after[..<close])
            if !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) { out.append(name) }
            rest = after[after.index(after: close)...]
        }
        return out
    }

    /// `text` with each `{fact}` replaced by the fact's value (formatted for its type), or `<fact>` when unknown.
    public static func render(_ text: String, facts: [String: AdviceValue]) -> String {
        var out = text
        for name in Set(placeholders(in: text)) {
            let value = facts[name].map { AdviceCondition.show(name, $0) } ?? "<\(name)>"
            out = out.replacingOccurrences(of: "{\(name)}", with: value)
        }
        return out
    }
}
