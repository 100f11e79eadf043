import Foundation

/// Builds tar archives byte by byte, so tests can produce exactly the (malicious) entries they need — entries a
/// well-behaved writer such as libarchive would refuse to write.
struct TestTar {
    enum TypeFlag: UInt8 {
        case regular = 0x30, hardlink = 0x31, symlink = 0x32, char = 0x33, block = 0x34, directory = 0x35, fifo = 0x36
        case gnuLongName = 0x4c
    }

    private(set) var bytes: [UInt8] = []

    /// Appends a regular file.
    mutating func file(_ name: String, _ content: [UInt8]) {
        entry(Array(name.utf8), type: .regular, size: content.count, link: "")
        bytes += content
        pad()
    }

    mutating func file(_ name: String, _ text: String) { file(name, Array(text.utf8)) }

    /// Appends a file whose name is arbitrary bytes (e.g. invalid UTF-8).
    mutating func file(rawName: [UInt8], _ content: [UInt8]) {
        entry(rawName, type: .regular, size: content.count, link: "")
        bytes += content
        pad()
    }

    mutating func directory(_ name: String) { entry(Array(name.utf8), type: .directory, size: 0, link: "") }
    mutating func symlink(_ name: String, to target: String) {
        entry(Array(name.utf8), type: .symlink, size: 0, link: target)
    }
    mutating func hardlink(_ name: String, to target: String) {
        entry(Array(name.utf8), type: .hardlink, size: 0, link: target)
    }
    mutating func special(_ name: String, _ type: TypeFlag) { entry(Array(name.utf8), type: type, size: 0, link: "") }

    /// A header that declares `size` bytes of data, followed by only `actual` bytes.
    mutating func lyingFile(_ name: String, declared size: Int, actual: Int) {
        entry(Array(name.utf8), type: .regular, size: size, link: "")
        bytes += [UInt8](repeating: 0x41, count: actual)
    }

    /// The end-of-archive marker: two zero blocks.
    mutating func end() { bytes += [UInt8](repeating: 0, count: 1024) }

    /// The finished archive (with end marker).
    func archive() -> [UInt8] {
        var copy = self
        copy.end()
        return copy.bytes
    }

    private mutating func pad() {
        let rem = bytes.count % 512
        if rem != 0 { bytes += [UInt8](repeating: 0, count: 512 - rem) }
    }

    private mutating func entry(_ name: [UInt8], type: TypeFlag, size: Int, link: String) {
        if name.count > 100 {
            // GNU long name: a 'L' entry whose data is the name.
            header(Array("././@LongLink".utf8), type: .gnuLongName, size: name.count + 1, link: [])
            bytes += name + [0]
            pad()
        }
        header(Array(name.prefix(100)), type: type, size: size, link: Array(link.utf8))
    }

    private mutating func header(_ name: [UInt8], type: TypeFlag, size: Int, link: [UInt8]) {
        var h = [UInt8](repeating: 0, count: 512)
        func put(_ offset: Int, _ field: [UInt8]) { for (i, b) in field.enumerated() { h[offset + i] = b } }
        func octal(_ value: Int, width: Int) -> [UInt8] {
            let s = String(value, radix: 8)
            return Array((String(repeating: "0", count: max(0, width - 1 - s.count)) + s).utf8) + [0]
        }
        put(0, name)
        put(100, octal(type == .directory ? 0o755 : 0o644, width: 8))
        put(108, octal(0, width: 8))
        put(116, octal(0, width: 8))
        put(124, octal(size, width: 12))
        put(136, octal(0, width: 12))
        put(148, Array("        ".utf8))
        h[156] = type.rawValue
        put(157, Array(link.prefix(100)))
        put(257, Array("ustar".utf8) + [0])
        put(263, Array("00".utf8))
        let sum = h.reduce(0) { $0 + Int($1) }
        put(148, octal(sum, width: 7) + [0x20])
        bytes += h
    }
}

/// A scratch directory removed when the test ends.
final class ScratchDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("qsnap-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: url) }

    /// Writes `bytes` to `name` and returns the path.
    func write(_ name: String, _ bytes: [UInt8]) throws -> String {
        let path = url.appendingPathComponent(name).path
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// Lists every file below the directory (to prove nothing was written).
    func allFiles() -> [String] {
        (FileManager.default.enumerator(atPath: url.path)?.allObjects as? [String]) ?? []
    }
}

/// Paths of the shared fixtures (`../shared` beside the checkout, or `SHARED_DIR`).
enum Fixtures {
    static var sharedDirectory: URL {
        if let env = ProcessInfo.processInfo.environment["SHARED_DIR"] { return URL(fileURLWithPath: env) }
        // Tests/ArchiveTests/TestTar.swift → repository root → ../shared
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared")
    }

    static func qdrant(_ name: String) -> String {
        sharedDirectory.appendingPathComponent("fixtures/qdrant/\(name)").path
    }
}
