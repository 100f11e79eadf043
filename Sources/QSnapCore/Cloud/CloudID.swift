/// Identifiers of the Qdrant Cloud API (accounts, clusters, backups, schedules) are UUIDs (`string.uuid` rules on
/// every request); checked before any call so a typo is a clear usage error rather than a 400 from the API.
public enum CloudID {
    /// Returns `id` when it is a UUID (`8-4-4-4-12` hex digits, either case).
    /// - Throws: `usage("cloud.id")` naming the flag or argument.
    @discardableResult
    public static func validate(_ id: String, what: String) throws -> String {
        guard isUUID(id) else {
            throw QSnapError(
                .cloudId,
                "\(what) '\(id)' is not a Qdrant Cloud id: give the UUID shown in the Cloud console or by qsnap cloud "
                    + "backup list (e.g. 3fa85f64-5717-4562-b3fc-2c963f66afa6)")
        }
        return id
    }

    /// True for `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` with hex digits.
    public static func isUUID(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        guard bytes.count == 36 else { return false }
        for (i, b) in bytes.enumerated() {
            if [8, 13, 18, 23].contains(i) {
                guard b == 0x2D else { return false }
            } else {
                let hex = (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x46) || (b >= 0x61 && b <= 0x66)
                guard hex else { return false }
            }
        }
        return true
    }
}
