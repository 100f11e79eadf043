import Foundation

/// How objects are stored in an S3 repository: server-side encryption, storage class and object tags. Recorded in
/// the manifest (`storage`) of every backup written with any of them. Pure: validated once, passed down typed.
public struct ObjectStorageSettings: Codable, Sendable, Equatable {
    /// Server-side encryption.
    public enum Encryption: String, Codable, Sendable, CaseIterable {
        /// SSE-S3: keys managed by S3.
        case aes256 = "AES256"
        /// SSE-KMS.
        case kms = "aws:kms"
        /// Dual-layer SSE-KMS.
        case kmsDSSE = "aws:kms:dsse"
    }

    /// `x-amz-server-side-encryption`, `nil` for the bucket's default.
    public var encryption: Encryption?
    /// The KMS key (id, ARN or alias) for SSE-KMS; `nil` for the account's `aws/s3` key.
    public var kmsKeyID: String?
    /// `x-amz-server-side-encryption-bucket-key-enabled` for SSE-KMS.
    public var bucketKeyEnabled: Bool?
    /// The storage class of the backup's data objects (manifests and locks stay in the default class).
    public var storageClass: String?
    /// Tags put on every object (`x-amz-tagging`), in the order given.
    public var objectTags: [Tag]?
    /// S3 Object Lock retention of a backup's objects (data objects and manifest).
    public var objectLock: ObjectLock?

    /// An Object Lock retention: mode and date.
    public struct ObjectLock: Codable, Sendable, Equatable {
        /// `GOVERNANCE` (users with `s3:BypassGovernanceRetention` may shorten it) or `COMPLIANCE` (nobody may).
        public var mode: Mode
        /// The retain-until date, ISO 8601 UTC (`2026-12-31T00:00:00Z`).
        public var retainUntil: String

        /// The retention mode.
        public enum Mode: String, Codable, Sendable, CaseIterable {
            case governance = "GOVERNANCE", compliance = "COMPLIANCE"
        }

        public init(mode: Mode, retainUntil: String) {
            self.mode = mode
            self.retainUntil = retainUntil
        }

        /// The retain-until date as seconds since 1970, `nil` when unreadable.
        public var retainUntilSeconds: Int64? {
            UTCCivilTime.parseISO8601(retainUntil).map { Int64($0.timeIntervalSince1970.rounded(.down)) }
        }
    }

    /// What an object is, for the settings that apply to some objects only.
    public enum ObjectRole: Sendable {
        /// A backup's snapshot data: every setting.
        case data
        /// A backup's manifest: encryption, tags and Object Lock (not the storage class: it is read often).
        case record
        /// Locks, journals, markers: encryption and tags only (they are deleted or replaced).
        case control
    }

    /// One object tag.
    public struct Tag: Codable, Sendable, Equatable {
        public var key: String
        public var value: String
        public init(key: String, value: String) {
            self.key = key
            self.value = value
        }
    }

    /// Storage classes whose objects can be read at once (what verify and restore need).
    public static let readableStorageClasses = [
        "STANDARD", "REDUCED_REDUNDANCY", "STANDARD_IA", "ONEZONE_IA", "INTELLIGENT_TIERING", "GLACIER_IR",
        "EXPRESS_ONEZONE", "OUTPOSTS", "SNOW", "FSX_OPENZFS", "FSX_ONTAP",
    ]

    /// Creates settings.
    public init(
        encryption: Encryption? = nil, kmsKeyID: String? = nil, bucketKeyEnabled: Bool? = nil,
        storageClass: String? = nil, objectTags: [Tag]? = nil, objectLock: ObjectLock? = nil
    ) {
        self.encryption = encryption
        self.kmsKeyID = kmsKeyID
        self.bucketKeyEnabled = bucketKeyEnabled
        self.storageClass = storageClass
        self.objectTags = objectTags
        self.objectLock = objectLock
    }

    /// Whether nothing is set (the bucket's defaults apply).
    public var isEmpty: Bool { self == ObjectStorageSettings() }

    /// The settings of a run that continues objects written under `earlier`: these, with the later of the two
    /// Object Lock retentions (so that the record never promises less protection than some object has).
    public func continuing(_ earlier: ObjectStorageSettings?) -> ObjectStorageSettings {
        var merged = self
        if let old = earlier?.objectLock,
            (objectLock?.retainUntilSeconds ?? .min) < (old.retainUntilSeconds ?? .min)
        {
            merged.objectLock = old
        }
        return merged
    }

    /// Parses and checks the command-line values.
    /// - Parameters:
    ///   - sse: `--sse` (`AES256`, `aws:kms`, `aws:kms:dsse`).
    ///   - kmsKeyID: `--sse-kms-key-id`.
    ///   - bucketKey: `--sse-bucket-key`.
    ///   - storageClass: `--storage-class`.
    ///   - tags: `--object-tag K=V`, repeatable.
    ///   - objectLock: `--object-lock governance|compliance`.
    ///   - retainDays: `--retain-days N` (with `objectLock`).
    ///   - now: seconds since 1970; the retention runs `retainDays` from then.
    /// - Throws: a usage ``QSnapError`` naming the bad value and what is accepted.
    public static func parse(
        sse: String?, kmsKeyID: String?, bucketKey: Bool, storageClass: String?, tags: [String],
        objectLock: String? = nil, retainDays: Int? = nil, now: Int64 = 0
    ) throws -> ObjectStorageSettings {
        var settings = ObjectStorageSettings()
        switch (objectLock, retainDays) {
        case (nil, nil): break
        case (.some(let text), .some(let days)):
            guard let mode = ObjectLock.Mode(rawValue: text.uppercased()) else {
                throw QSnapError(.s3ObjectLock, "--object-lock '\(text)' is not governance or compliance")
            }
            guard (1...36500).contains(days) else {
                throw QSnapError(.s3ObjectLock, "--retain-days must be 1…36500, not \(days)")
            }
            settings.objectLock = ObjectLock(
                mode: mode,
                retainUntil: UTCCivilTime.iso8601(Date(timeIntervalSince1970: Double(now + Int64(days) * 86400))))
        case (.some, nil):
            throw QSnapError(
                .s3ObjectLock, "--object-lock needs --retain-days N (how long objects stay locked)")
        case (nil, .some):
            throw QSnapError(.s3ObjectLock, "--retain-days needs --object-lock governance|compliance")
        }
        if let sse {
            guard
                let e = Encryption(rawValue: sse)
                    ?? Encryption.allCases.first(where: { $0.rawValue.lowercased() == sse.lowercased() })
            else {
                throw QSnapError(.s3Sse, "--sse '\(sse)' is not one of AES256, aws:kms, aws:kms:dsse")
            }
            settings.encryption = e
        }
        let isKMS = settings.encryption == .kms || settings.encryption == .kmsDSSE
        if let key = kmsKeyID {
            guard isKMS else {
                throw QSnapError(.s3Sse, "--sse-kms-key-id needs --sse aws:kms (or aws:kms:dsse)")
            }
            guard !key.isEmpty, key.count <= 2048, !key.contains(where: { $0.isWhitespace }) else {
                throw QSnapError(.s3Sse, "--sse-kms-key-id '\(key)' is not a KMS key id, ARN or alias")
            }
            settings.kmsKeyID = key
        }
        if bucketKey {
            guard isKMS else { throw QSnapError(.s3Sse, "--sse-bucket-key needs --sse aws:kms") }
            settings.bucketKeyEnabled = true
        }
        if let storageClass {
            let upper = storageClass.uppercased()
            if upper == "GLACIER" || upper == "DEEP_ARCHIVE" {
                throw QSnapError(
                    .s3StorageClass,
                    "--storage-class \(upper) objects cannot be read without a restore request, so verify and restore "
                        + "would fail; use GLACIER_IR, or a bucket lifecycle rule that moves old backups to \(upper)")
            }
            guard readableStorageClasses.contains(upper) else {
                throw QSnapError(
                    .s3StorageClass,
                    "--storage-class '\(storageClass)' is not one of \(readableStorageClasses.joined(separator: ", "))")
            }
            settings.storageClass = upper
        }
        var parsed: [Tag] = []
        for text in tags {
            guard let eq = text.firstIndex(of: "=") else {
                throw QSnapError(.s3ObjectTag, "--object-tag '\(text)' is not KEY=VALUE")
            }
            let key = String(text[..<eq])
            let value = String(text[text.index(after: eq)...])
            guard (1...128).contains(key.count), value.count <= 256 else {
                throw QSnapError(
                    .s3ObjectTag,
                    "--object-tag '\(text)': keys have 1–128 characters and values at most 256")
            }
            guard !key.lowercased().hasPrefix("aws:") else {
                throw QSnapError(.s3ObjectTag, "--object-tag '\(text)': the aws: prefix is reserved by AWS")
            }
            guard !parsed.contains(where: { $0.key == key }) else {
                throw QSnapError(.s3ObjectTag, "--object-tag: the key '\(key)' is given twice")
            }
            parsed.append(Tag(key: key, value: value))
        }
        guard parsed.count <= 10 else {
            throw QSnapError(.s3ObjectTag, "S3 allows at most 10 tags per object, not \(parsed.count)")
        }
        if !parsed.isEmpty { settings.objectTags = parsed }
        return settings
    }
}
