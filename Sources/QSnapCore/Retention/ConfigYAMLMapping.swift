import Foundation
import Yams

/// A YAML mapping read strictly, remembering where every key sits so that errors can name the file and line.
///
/// Used by the retention policy and job file parsers: unknown keys, duplicate keys, wrong types and missing
/// values are all reported as `QSnapError` with the given code and a message of the form `FILE:LINE: reason`.
/// Values are never echoed in messages (a mistyped key may hold a secret).
struct ConfigYAMLMapping {
    /// One `key: value` pair.
    struct Entry {
        let key: String
        let line: Int?
        let value: Node
    }

    /// The file name used in error messages.
    let file: String
    /// The error code of every error raised while reading.
    let code: QSnapError.Code
    /// The line of the mapping itself.
    let line: Int?
    /// The pairs, in document order.
    let entries: [Entry]

    /// Parses `text` whose root must be a mapping.
    static func parseRoot(_ text: String, file: String, code: QSnapError.Code, what: String) throws
        -> ConfigYAMLMapping
    {
        let root: Node?
        do {
            root = try Yams.compose(yaml: text)
        } catch let error as YamlError {
            throw QSnapError(code, "\(file):\(describe(error)); fix the YAML syntax of this \(what)")
        } catch {
            throw QSnapError(code, "\(file): not valid YAML; fix the syntax of this \(what)")
        }
        guard let root else {
            throw QSnapError(code, "\(file):1: the \(what) is empty; see policies/README.md for its keys")
        }
        return try mapping(root, file: file, code: code, context: "the \(what)")
    }

    /// Wraps `node`, which must be a mapping without duplicate keys.
    static func mapping(_ node: Node, file: String, code: QSnapError.Code, context: String) throws
        -> ConfigYAMLMapping
    {
        guard let mapping = node.mapping else {
            throw QSnapError(
                code, "\(file):\(node.mark?.line ?? 1): \(context) must be a mapping of `key: value` lines")
        }
        var entries: [Entry] = []
        var seen: Set<String> = []
        for (key, value) in mapping {
            guard let name = key.scalar?.string else {
                throw QSnapError(code, "\(file):\(key.mark?.line ?? 1): keys of \(context) must be plain names")
            }
            guard seen.insert(name).inserted else {
                throw QSnapError(
                    code, "\(file):\(key.mark?.line ?? 1): key '\(name)' appears twice in \(context); keep one")
            }
            entries.append(Entry(key: name, line: key.mark?.line, value: value))
        }
        return ConfigYAMLMapping(file: file, code: code, line: node.mark?.line, entries: entries)
    }

    private static func describe(_ error: YamlError) -> String {
        switch error {
        case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
            .composer(_, let problem, let mark, _):
            return "\(mark.line): \(problem)"
        case .reader(let problem, _, _, _):
            return "1: \(problem)"
        default:
            return "1: not valid YAML"
        }
    }

    /// An error located at `line` (or at the mapping when unknown).
    func error(_ line: Int?, _ reason: String) -> QSnapError {
        QSnapError(code, "\(file):\(line ?? self.line ?? 1): \(reason)")
    }

    /// The entry named `key`, if present.
    func entry(_ key: String) -> Entry? { entries.first { $0.key == key } }

    /// Throws for the first key not in `allowed`, suggesting the dashed spelling when it matches.
    func rejectUnknownKeys(allowed: [String], context: String) throws {
        for entry in entries where !allowed.contains(entry.key) {
            let dashed = entry.key.replacingOccurrences(of: "_", with: "-").lowercased()
            let hint =
                allowed.contains(dashed) && dashed != entry.key
                ? "did you mean '\(dashed)'?" : "valid keys: \(allowed.joined(separator: ", "))"
            throw error(entry.line, "unknown key '\(entry.key)' in \(context); \(hint)")
        }
    }

    /// The scalar text of `key`, or `nil` when absent; throws when it is not a non-empty scalar.
    func string(_ key: String) throws -> String? {
        guard let entry = entry(key) else { return nil }
        guard let scalar = entry.value.scalar else {
            throw error(entry.line, "'\(key)' must be a single value, not a list or mapping")
        }
        let text = scalar.string.trimmingCharacters(in: .whitespaces)
        guard !text.isEmpty, !Self.isNull(scalar) else {
            throw error(entry.line, "'\(key)' has no value; give one or remove the key")
        }
        return text
    }

    /// The integer of `key` (at least `minimum`), `unlimited` mapped to `unlimitedValue` when allowed.
    func integer(_ key: String, minimum: Int, unlimitedValue: Int? = nil) throws -> Int? {
        guard let text = try string(key) else { return nil }
        if let unlimitedValue, text == "unlimited" { return unlimitedValue }
        guard let value = Int(text), value >= minimum else {
            let also = unlimitedValue == nil ? "" : " or 'unlimited'"
            throw error(entry(key)?.line, "'\(key)' must be a whole number ≥ \(minimum)\(also)")
        }
        return value
    }

    /// The boolean of `key` (`true` or `false`).
    func boolean(_ key: String) throws -> Bool? {
        guard let text = try string(key) else { return nil }
        switch text.lowercased() {
        case "true": return true
        case "false": return false
        default: throw error(entry(key)?.line, "'\(key)' must be true or false")
        }
    }

    /// The list of scalars of `key`; a single scalar is accepted as a one-element list.
    func stringList(_ key: String) throws -> [String]? {
        guard let entry = entry(key) else { return nil }
        if entry.value.scalar != nil { return [try string(key)!] }
        guard let sequence = entry.value.sequence else {
            throw error(entry.line, "'\(key)' must be a list of values")
        }
        return try sequence.map { item in
            guard let scalar = item.scalar, !Self.isNull(scalar),
                case let text = scalar.string.trimmingCharacters(in: .whitespaces), !text.isEmpty
            else { throw error(item.mark?.line ?? entry.line, "'\(key)' must list plain, non-empty values") }
            return text
        }
    }

    /// The nested mapping of `key`.
    func mapping(_ key: String) throws -> ConfigYAMLMapping? {
        guard let entry = entry(key) else { return nil }
        guard entry.value.mapping != nil else {
            throw error(entry.line, "'\(key)' must be a mapping of `key: value` lines")
        }
        return try Self.mapping(entry.value, file: file, code: code, context: "'\(key)'")
    }

    /// True for a plain `~`, `null` or empty scalar.
    static func isNull(_ scalar: Node.Scalar) -> Bool {
        scalar.style == .plain && ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    /// The line of `key`, or of the mapping.
    func line(of key: String) -> Int? { entry(key)?.line ?? line }
}
