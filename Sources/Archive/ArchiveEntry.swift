/// One entry of a tar archive, as its header describes it.
public struct ArchiveEntry: Sendable, Hashable {
    /// The kind of an entry.
    public enum Kind: String, Sendable, Codable {
        case regular, directory, symlink, hardlink, characterDevice, blockDevice, fifo, socket, unknown
    }

    /// The path as stored (UTF-8), or `nil` when the stored name is not valid UTF-8.
    public var path: String?
    /// The raw bytes of the stored name, for error messages about undecodable names.
    public var rawPath: [UInt8]
    /// The entry kind.
    public var kind: Kind
    /// The declared data size in bytes (logical size for sparse files).
    public var size: Int64
    /// The link target of a symlink or hardlink.
    public var linkTarget: String?
    /// True for GNU sparse entries (Qdrant writes preallocated WAL files this way).
    public var isSparse: Bool

    /// The path with a leading `./` and trailing `/` removed; `""` for the archive root.
    public var normalizedPath: String {
        var p = Substring(path ?? "")
        while p.hasPrefix("./") { p = p.dropFirst(2) }
        if p == "." { p = "" }
        while p.hasSuffix("/") { p = p.dropLast() }
        return String(p)
    }
}
