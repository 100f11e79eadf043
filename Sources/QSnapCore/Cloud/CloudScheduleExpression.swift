import Foundation

/// The `schedule` of a Qdrant Cloud backup schedule: standard cron (5 to 7 fields), `@daily` and the other
/// descriptors, or `@every <duration>`, checked with the pattern `BackupSchedule.schedule` carries in the API.
public enum CloudScheduleExpression {
    /// `BackupSchedule.schedule`'s `string.pattern`, verbatim.
    public static let pattern =
        #"^(@(annually|yearly|monthly|weekly|daily|hourly|reboot))|(@every (\d+(ns|us|µs|ms|s|m|h))+)|((((\d+,)+\d+|([\d\*]+(\/|-)\d+)|\d+|\*) ?){5,7})$"#

    private static let regex = try! NSRegularExpression(pattern: pattern)

    /// Returns `text` when the API would accept it.
    /// - Throws: `usage("cloud.schedule")` with examples.
    @discardableResult
    public static func validate(_ text: String) throws -> String {
        guard isValid(text) else {
            throw QSnapError(
                .cloudSchedule,
                "--schedule '\(text)' is not a schedule Qdrant Cloud accepts: give a cron expression of 5 to 7 fields "
                    + "('0 3 * * *' = 03:00 UTC daily, '*/30 * * * *'), @daily, @weekly, or @every 6h")
        }
        return text
    }

    /// True when `text` matches ``pattern`` (as Go's `regexp.MatchString`: a match anywhere the anchors allow).
    public static func isValid(_ text: String) -> Bool {
        let range = NSRange(text.startIndex..., in: text)
        return regex.firstMatch(in: text, range: range) != nil
    }
}
