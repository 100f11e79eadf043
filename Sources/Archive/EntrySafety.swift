import QSnapCore

/// The entry rules of Qdrant's own unpacker, plus the path rules every safe extractor needs.
///
/// Qdrant accepts only regular files, directories and GNU sparse files; qsnap also refuses absolute paths, `..`
/// components, overlong or undecodable names and duplicate paths, naming the entry and the archive.
struct EntrySafety {
    /// Longest accepted path (Linux `PATH_MAX`) and path component (`NAME_MAX`).
    static let maxPathBytes = 4096
    static let maxComponentBytes = 255

    private var seen: Set<String> = []
    let archiveLabel: String

    init(archiveLabel: String) {
        self.archiveLabel = archiveLabel
    }

    /// Checks one entry; throws `refused` naming it when it is unsafe.
    mutating func check(_ entry: ArchiveEntry, index: Int) throws {
        guard let path = entry.path else {
            let hex = Hex.encode(entry.rawPath.prefix(64))
            throw refuse(.invalidName, "entry #\(index) has a name that is not valid UTF-8 (hex \(hex))")
        }
        let shown = String(path.prefix(200))
        if path.utf8.count > Self.maxPathBytes {
            throw refuse(
                .overlongName,
                "entry \(shown)… has a \(path.utf8.count)-byte name (limit \(Self.maxPathBytes))")
        }
        if path.hasPrefix("/") {
            throw refuse(.absolutePath, "entry \(shown) has an absolute path")
        }
        let components = path.split(separator: "/", omittingEmptySubsequences: true)
        if components.contains("..") {
            throw refuse(.pathTraversal, "entry \(shown) climbs out of the archive with '..'")
        }
        if let long = components.first(where: { $0.utf8.count > Self.maxComponentBytes }) {
            throw refuse(
                .overlongName,
                "entry \(shown) has a \(long.utf8.count)-byte path component (limit \(Self.maxComponentBytes))")
        }
        switch entry.kind {
        case .regular, .directory:
            break
        case .symlink, .hardlink:
            let target = entry.linkTarget ?? ""
            let escapes = Self.linkEscapes(from: path, target: target, hard: entry.kind == .hardlink)
            throw refuse(
                .link,
                "entry \(shown) is a \(entry.kind == .symlink ? "symbolic" : "hard") link to \(target.prefix(200))"
                    + (escapes ? " that escapes the archive root" : "")
                    + "; Qdrant snapshots contain no links and Qdrant refuses them")
        case .characterDevice, .blockDevice, .fifo, .socket, .unknown:
            throw refuse(
                .specialFile,
                "entry \(shown) is a \(entry.kind.rawValue) entry; Qdrant snapshots hold only files and directories")
        }
        let key = entry.normalizedPath
        if !key.isEmpty {
            guard seen.insert(key).inserted else {
                throw refuse(
                    .duplicateEntry,
                    "entry \(shown) appears twice; a second copy would silently replace the first on restore")
            }
        }
    }

    private func refuse(_ code: ArchiveError.Code, _ what: String) -> ArchiveError {
        ArchiveError(code, "\(archiveLabel): unsafe archive: \(what). Refusing it; nothing was written.")
    }

    /// True when a link target resolves outside the archive root.
    static func linkEscapes(from path: String, target: String, hard: Bool) -> Bool {
        if target.hasPrefix("/") { return true }
        var stack: [Substring] = []
        if !hard {
            stack = path.split(separator: "/", omittingEmptySubsequences: true).dropLast().map { $0 }
        }
        for part in target.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." {
                if stack.isEmpty { return true }
                stack.removeLast()
            } else {
                stack.append(part)
            }
        }
        return false
    }
}
