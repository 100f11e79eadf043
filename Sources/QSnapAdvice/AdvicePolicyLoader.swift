import QSnapCore
import Yams

/// Reads advice rule files (YAML) into ``AdvicePolicy`` values and refuses invalid ones with the file, the line
/// and the reason: YAML syntax, unknown keys, missing fields, unknown facts or operators, values of the wrong
/// type, references to undeclared methods, ambiguous priorities. Pure: it takes text, not paths.
public enum AdvicePolicyLoader {
    /// Parses one rule file.
    /// - Parameters:
    ///   - text: the YAML text.
    ///   - file: the name used in error messages and in the report (a path or `embedded:<name>`).
    /// - Throws: `QSnapError` `.advicePolicy` whose message starts with `FILE:LINE:`.
    public static func parse(_ text: String, file: String) throws -> AdvicePolicy {
        let root: Node
        do {
            guard let node = try Yams.compose(yaml: text) else {
                throw refusal(file, 1, "the file is empty; expected a mapping with version, domain, methods and rules")
            }
            root = node
        } catch let error as QSnapError {
            throw error
        } catch let error as YamlError {
            throw syntaxRefusal(error, file: file)
        } catch {
            throw refusal(file, 1, "cannot parse YAML: \(error)")
        }
        return try PolicyReader(file: file).policy(root)
    }

    /// Parses several rule files and checks that their domains are distinct.
    /// - Parameter files: `(file name, YAML text)` pairs, in the order to evaluate them.
    public static func parse(files: [(name: String, text: String)]) throws -> [AdvicePolicy] {
        var seen: [String: String] = [:]
        var out: [AdvicePolicy] = []
        for (name, text) in files {
            let policy = try parse(text, file: name)
            if let other = seen[policy.domain] {
                throw refusal(
                    name, 1, "domain '\(policy.domain)' is already defined in \(other); each domain belongs to one file"
                )
            }
            seen[policy.domain] = name
            out.append(policy)
        }
        return out
    }

    static func refusal(_ file: String, _ line: Int, _ reason: String) -> QSnapError {
        QSnapError(.advicePolicy, "\(file):\(line): \(reason)")
    }

    static func syntaxRefusal(_ error: YamlError, file: String) -> QSnapError {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            let ctx = context.map { "\($0.text) " } ?? ""
            return refusal(file, mark.line, "YAML syntax error: \(ctx)\(problem) (column \(mark.column))")
        case .reader(let problem, _, _, _):
            return refusal(file, 1, "YAML cannot be read: \(problem)")
        default:
            return refusal(file, 1, "YAML syntax error: \(error)")
        }
    }
}
