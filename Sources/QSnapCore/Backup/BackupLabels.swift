/// The retention labels of a backup: its tags (matched by a policy's `keep-tags`) and whether it is pinned.
///
/// Stored in the manifest (`tags`, `pinned`). Decodes leniently from a whole manifest document: a manifest
/// written before labels existed has no tags and is not pinned.
public struct BackupLabels: Codable, Sendable, Equatable {
    /// The tags, sorted and without duplicates.
    public var tags: [String]
    /// True when the backup is pinned.
    public var pinned: Bool

    /// The longest tag accepted, in characters.
    public static let maxTagLength = 64

    /// Creates labels; `tags` are sorted and deduplicated.
    public init(tags: [String] = [], pinned: Bool = false) {
        self.tags = Array(Set(tags)).sorted()
        self.pinned = pinned
    }

    enum CodingKeys: String, CodingKey { case tags, pinned }

    /// Decodes `tags` and `pinned` from a manifest, each defaulting when absent (or `null`).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            tags: try c.decodeIfPresent([String].self, forKey: .tags) ?? [],
            pinned: try c.decodeIfPresent(Bool.self, forKey: .pinned) ?? false)
    }

    /// These labels after `edit`.
    public func applying(_ edit: BackupLabelEdit) -> BackupLabels {
        switch edit {
        case .tag(let added): return BackupLabels(tags: tags + added, pinned: pinned)
        case .untag(let removed): return BackupLabels(tags: tags.filter { !removed.contains($0) }, pinned: pinned)
        case .pin: return BackupLabels(tags: tags, pinned: true)
        case .unpin: return BackupLabels(tags: tags, pinned: false)
        }
    }

    /// Checks a tag given by a user: 1–64 characters of letters, digits and `-_.:@+=/`. A comma is refused
    /// because `keep-tags` uses it to combine tags (`"release,audited"` means both).
    /// - Throws: `usage("backup.tag")` naming the tag and the rule.
    public static func validate(tag: String) throws {
        let ok =
            !tag.isEmpty && tag.count <= maxTagLength
            && tag.unicodeScalars.allSatisfy { s in
                ("a"..."z").contains(s) || ("A"..."Z").contains(s) || ("0"..."9").contains(s)
                    || "-_.:@+=/".unicodeScalars.contains(s)
            }
        guard ok else {
            throw QSnapError(
                .backupTag,
                "'\(tag.prefix(80))' is not a valid tag: use 1–\(maxTagLength) ASCII letters, digits and -_.:@+=/ (no commas or spaces; keep-tags combines tags with a comma)"
            )
        }
    }
}
