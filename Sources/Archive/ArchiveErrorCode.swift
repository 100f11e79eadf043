import QSnapCore

/// A failure of the Archive target: an ``ArchiveErrorCode``, a message and the cause. `QSnap` maps it to the
/// `QSnapError` code of the same identifier.
public typealias ArchiveError = LibraryError<ArchiveErrorCode>

/// What failed in the Archive target; the raw value is the stable identifier qsnap reports.
public enum ArchiveErrorCode: String, LibraryErrorCode {
    /// An entry has an absolute path.
    case absolutePath = "archive.absolute-path"
    /// A metadata file inside the snapshot is not valid JSON.
    case badMetadata = "archive.bad-metadata"
    /// The archive does not match its expected SHA-256.
    case checksum = "archive.checksum"
    /// The archive is corrupt or truncated.
    case corrupt = "archive.corrupt"
    /// Two entries have the same path.
    case duplicateEntry = "archive.duplicate-entry"
    /// A compressed level expands beyond the allowed ratio (a decompression bomb).
    case expansion = "archive.expansion"
    /// The consumer of an archive feed stopped reading.
    case feedClosed = "archive.feed-closed"
    /// The snapshot's configuration names parts the archive does not contain.
    case incomplete = "archive.incomplete"
    /// An entry name is not valid UTF-8.
    case invalidName = "archive.invalid-name"
    /// A symbolic or hard link points outside the archive.
    case link = "archive.link"
    /// The archive is not a Qdrant snapshot.
    case notQdrant = "archive.not-qdrant"
    /// The input is not a (compressed) tar archive.
    case notTar = "archive.not-tar"
    /// The archive file cannot be opened.
    case open = "archive.open"
    /// An entry name or path component is too long.
    case overlongName = "archive.overlong-name"
    /// A metadata entry is larger than any real snapshot holds.
    case oversized = "archive.oversized"
    /// An entry climbs out of the archive with '..'.
    case pathTraversal = "archive.path-traversal"
    /// Reading the archive failed.
    case read = "archive.read"
    /// An entry is a device, FIFO or other special file.
    case specialFile = "archive.special-file"
    /// The archive ends inside an entry.
    case truncated = "archive.truncated"
    /// A checksum to check against is not a SHA-256.
    case inspectChecksum = "inspect.checksum"
    /// The checksum sidecar file cannot be read.
    case inspectSidecar = "inspect.sidecar"
    /// The libarchive pool could not start a thread.
    case threadCreate = "thread.create"
}
