/// The retention period of a Qdrant Cloud backup or schedule: whole seconds between 1 day and 365 days
/// (`Backup.retention_period`, `BackupSchedule.retention_period`: `duration {gte: 86400s, lte: 31536000s}`),
/// sent as protojson's `"<n>s"`.
public struct CloudRetention: Sendable, Hashable, CustomStringConvertible {
    /// The shortest retention Qdrant Cloud accepts: 1 day.
    public static let minimumSeconds: Int64 = 86_400
    /// The longest retention Qdrant Cloud accepts: 365 days.
    public static let maximumSeconds: Int64 = 31_536_000

    /// The period in seconds.
    public let seconds: Int64

    /// Parses `--retention` text (`7d`, `168h`, `604800`, `604800s`) and checks the range.
    /// - Throws: `usage("cloud.retention")` naming the accepted range and an example.
    public init(parsing text: String) throws {
        guard let value = CloudDuration.seconds(text) else {
            throw QSnapError(
                .cloudRetention,
                "--retention \(text) is not a duration: give e.g. 7d, 168h or 604800s (units w, d, h, m, s)")
        }
        guard value.rounded() == value else {
            throw QSnapError(.cloudRetention, "--retention \(text) is not a whole number of seconds")
        }
        guard value >= Double(Self.minimumSeconds), value <= Double(Self.maximumSeconds) else {
            throw QSnapError(
                .cloudRetention,
                "--retention \(text) is \(Int64(value)) s: Qdrant Cloud keeps a backup between 1 day (86400 s) and "
                    + "365 days (31536000 s); give e.g. 7d")
        }
        seconds = Int64(value)
    }

    /// The protojson form sent to the API, e.g. `"604800s"`.
    public var protoJSON: String { CloudDuration.protoJSON(seconds: seconds) }

    /// Short text, e.g. `7d`.
    public var description: String { CloudDuration.format(seconds: Double(seconds)) }
}
