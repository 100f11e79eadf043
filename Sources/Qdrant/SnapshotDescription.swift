import Foundation

/// A snapshot file as listed by Qdrant (`SnapshotDescription`).
public struct SnapshotDescription: Sendable, Hashable, Codable {
    /// The file name (a bare name; see `SnapshotName`).
    public var name: String
    /// The creation time as sent by the server: UTC without a zone (`2022-08-04T10:49:10`), `nil` when unknown.
    public var creationTime: String?
    /// The size in bytes.
    public var size: Int64
    /// Lower-case hex SHA-256 of the file, `nil` when the server has none (no sidecar, or S3 storage).
    public var checksum: String?

    /// Creates a description.
    public init(name: String, creationTime: String? = nil, size: Int64, checksum: String? = nil) {
        self.name = name
        self.creationTime = creationTime
        self.size = size
        self.checksum = checksum
    }

    enum CodingKeys: String, CodingKey {
        case name, size, checksum
        case creationTime = "creation_time"
    }

    /// ``creationTime`` as a date (UTC; fractional seconds kept), `nil` when absent or unreadable.
    public var creationDate: Date? {
        guard let text = creationTime else { return nil }
        let formatter = ISO8601DateFormatter()
        let zoned = text.hasSuffix("Z") || text.contains("+") ? text : text + "Z"
        formatter.formatOptions = [.withInternetDateTime]
        if let d = formatter.date(from: zoned) { return d }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: zoned)
    }
}
