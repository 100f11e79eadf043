import Foundation
import Yams

extension RetentionPolicy {
    /// The keys a policy file may contain.
    public static let yamlKeys = [
        "description", "keep-last", "keep-hourly", "keep-daily", "keep-weekly", "keep-monthly", "keep-yearly",
        "keep-within", "keep-within-hourly", "keep-within-daily", "keep-within-weekly", "keep-within-monthly",
        "keep-within-yearly", "keep-tags", "pins", "max-deletions-per-run",
    ]

    /// Parses a policy file's text.
    ///
    /// - Parameters:
    ///   - yaml: the file's contents.
    ///   - file: the file name used in error messages.
    /// - Throws: `QSnapError` `.retentionPolicy` naming the file, the line and what is wrong: unknown
    ///   keys, malformed counts or durations, or a policy without any keep rule.
    public static func parse(yaml: String, file: String) throws -> RetentionPolicy {
        let root = try ConfigYAMLMapping.parseRoot(
            yaml, file: file, code: .retentionPolicy, what: "retention policy")
        return try parse(root, context: "the retention policy")
    }

    /// Parses a policy from an already-read mapping (a policy file's root or a job file's `retention:`).
    static func parse(_ map: ConfigYAMLMapping, context: String) throws -> RetentionPolicy {
        try map.rejectUnknownKeys(allowed: yamlKeys, context: context)
        func count(_ key: String) throws -> Int {
            try map.integer(key, minimum: 0, unlimitedValue: RetentionPolicy.unlimited) ?? 0
        }
        func duration(_ key: String) throws -> RetentionDuration? {
            guard let text = try map.string(key) else { return nil }
            guard let d = RetentionDuration(text) else {
                throw map.error(
                    map.line(of: key),
                    "'\(key)' must be a positive duration like 30d, 1y6m or 2d12h (y years, m months, d days, h hours)")
            }
            return d
        }
        var policy = RetentionPolicy(
            keepLast: try count("keep-last"), keepHourly: try count("keep-hourly"), keepDaily: try count("keep-daily"),
            keepWeekly: try count("keep-weekly"), keepMonthly: try count("keep-monthly"),
            keepYearly: try count("keep-yearly"), keepWithin: try duration("keep-within"),
            keepWithinHourly: try duration("keep-within-hourly"), keepWithinDaily: try duration("keep-within-daily"),
            keepWithinWeekly: try duration("keep-within-weekly"),
            keepWithinMonthly: try duration("keep-within-monthly"),
            keepWithinYearly: try duration("keep-within-yearly"),
            pins: try map.stringList("pins") ?? [],
            maxDeletionsPerRun: try map.integer("max-deletions-per-run", minimum: 0),
            description: try map.string("description"))
        policy.keepTags = try (map.stringList("keep-tags") ?? []).map { entry in
            let tags = entry.split(separator: ",", omittingEmptySubsequences: false).map {
                $0.trimmingCharacters(in: .whitespaces)
            }
            guard !tags.isEmpty, !tags.contains(where: \.isEmpty) else {
                throw map.error(map.line(of: "keep-tags"), "'keep-tags' entries are tags, or tags joined by commas")
            }
            return tags
        }
        if policy.hasNoKeepRule {
            throw map.error(
                map.line,
                "\(context) has no keep rule and would keep every backup; add keep-last, keep-daily, keep-within, …")
        }
        return policy
    }
}
