/// The display name of a Qdrant Cloud backup or backup schedule: 4–64 letters, digits, `-` and `_`
/// (`CreateBackupRequest`'s rule `display_name.matches('^[a-zA-Z0-9-_]{4,64}$')`), checked before any call.
public enum CloudDisplayName {
    /// Returns `name` when it is valid.
    /// - Throws: `usage("cloud.name")` saying what is allowed.
    @discardableResult
    public static func validate(_ name: String, flag: String = "--name") throws -> String {
        guard isValid(name) else {
            throw QSnapError(
                .cloudName,
                "\(flag) '\(name)' is not a valid Qdrant Cloud display name: use 4 to 64 letters, digits, '-' or '_' "
                    + "(e.g. nightly-2026-01-02)")
        }
        return name
    }

    /// True when `name` matches `^[a-zA-Z0-9-_]{4,64}$`.
    public static func isValid(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        guard (4...64).contains(bytes.count) else { return false }
        return bytes.allSatisfy { b in
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x2D || b == 0x5F
        }
    }
}
