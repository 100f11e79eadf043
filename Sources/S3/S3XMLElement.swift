/// A minimal XML element tree for S3 responses (no namespaces, DTDs or processing instructions needed).
public struct S3XMLElement: Sendable, Hashable {
    /// The local element name (any `prefix:` removed).
    public var name: String
    /// The decoded text directly inside the element.
    public var text: String
    /// Child elements in document order.
    public var children: [S3XMLElement]

    /// Creates an element.
    public init(name: String, text: String = "", children: [S3XMLElement] = []) {
        self.name = name
        self.text = text
        self.children = children
    }

    /// The first child named `name`.
    public func child(_ name: String) -> S3XMLElement? { children.first { $0.name == name } }
    /// All children named `name`.
    public func all(_ name: String) -> [S3XMLElement] { children.filter { $0.name == name } }
    /// The text of the first child named `name`.
    public func string(_ name: String) -> String? { child(name)?.text }

    /// Builds an element's XML text with escaped content (for request bodies).
    public static func escape(_ text: String) -> String {
        var out = ""
        for c in text.unicodeScalars {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default:
                if c.value < 0x20 && c != "\n" && c != "\t" && c != "\r" {
                    out += "&#\(c.value);"
                } else {
                    out.unicodeScalars.append(c)
                }
            }
        }
        return out
    }

    /// Parses a document and returns its root element; `nil` if it is not well-formed enough to read.
    public static func parse(_ bytes: [UInt8]) -> S3XMLElement? {
        var parser = Parser(bytes: bytes)
        return parser.parseDocument()
    }

    /// Parses UTF-8 text.
    public static func parse(_ text: String) -> S3XMLElement? { parse(Array(text.utf8)) }

    private struct Parser {
        let bytes: [UInt8]
        var i = 0

        init(bytes: [UInt8]) { self.bytes = bytes }

        mutating func skipMarkup() -> Bool {
            // At "<": skip <?…?>, <!--…-->, <!…>; returns true if something was skipped.
            guard i + 1 < bytes.count else { return false }
            let next = bytes[i + 1]
            if next == UInt8(ascii: "?") {
                while i + 1 < bytes.count && !(bytes[i] == UInt8(ascii: "?") && bytes[i + 1] == UInt8(ascii: ">")) {
                    i += 1
                }
                i += 2
                return true
            }
            if next == UInt8(ascii: "!") {
                if i + 3 < bytes.count && bytes[i + 2] == UInt8(ascii: "-") && bytes[i + 3] == UInt8(ascii: "-") {
                    i += 4
                    while i + 2 < bytes.count
                        && !(bytes[i] == UInt8(ascii: "-") && bytes[i + 1] == UInt8(ascii: "-")
                            && bytes[i + 2] == UInt8(ascii: ">"))
                    { i += 1 }
                    i += 3
                    return true
                }
                while i < bytes.count && bytes[i] != UInt8(ascii: ">") { i += 1 }
                i += 1
                return true
            }
            return false
        }

        mutating func parseDocument() -> S3XMLElement? {
            while i < bytes.count {
                if bytes[i] == UInt8(ascii: "<") {
                    if skipMarkup() { continue }
                    return parseElement()
                }
                i += 1
            }
            return nil
        }

        mutating func parseElement() -> S3XMLElement? {
            // At "<name …>".
            i += 1
            let nameStart = i
            while i < bytes.count && !isSpace(bytes[i]) && bytes[i] != UInt8(ascii: ">")
                && bytes[i] != UInt8(ascii: "/")
            { i += 1 }
            var name = String(decoding: bytes[nameStart..<i], as: UTF8.self)
            if let colon = name.lastIndex(of: ":") { name = String(name[name.index(after: colon)...]) }
            // Skip attributes.
            var quote: UInt8? = nil
            while i < bytes.count {
                let c = bytes[i]
                if let q = quote {
                    if c == q { quote = nil }
                } else if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") {
                    quote = c
                } else if c == UInt8(ascii: ">") {
                    break
                }
                i += 1
            }
            guard i < bytes.count else { return nil }
            if bytes[i - 1] == UInt8(ascii: "/") {
                i += 1
                return S3XMLElement(name: name)
            }
            i += 1
            var element = S3XMLElement(name: name)
            var text: [UInt8] = []
            while i < bytes.count {
                if bytes[i] == UInt8(ascii: "<") {
                    if i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "/") {
                        while i < bytes.count && bytes[i] != UInt8(ascii: ">") { i += 1 }
                        i += 1
                        element.text = Parser.decodeEntities(text)
                        return element
                    }
                    if i + 8 < bytes.count && Array(bytes[i..<i + 9]) == Array("<![CDATA[".utf8) {
                        i += 9
                        while i + 2 < bytes.count
                            && !(bytes[i] == UInt8(ascii: "]") && bytes[i + 1] == UInt8(ascii: "]")
                                && bytes[i + 2] == UInt8(ascii: ">"))
                        {
                            text.append(bytes[i])
                            i += 1
                        }
                        i += 3
                        continue
                    }
                    if skipMarkup() { continue }
                    guard let child = parseElement() else { return nil }
                    element.children.append(child)
                } else {
                    text.append(bytes[i])
                    i += 1
                }
            }
            return nil
        }

        func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0a || c == 0x0d }

        static func decodeEntities(_ raw: [UInt8]) -> String {
            let text = String(decoding: raw, as: UTF8.self)
            guard text.contains("&") else { return text }
            var out = ""
            var rest = Substring(text)
            while let amp = rest.firstIndex(of: "&") {
                out += rest[..<amp]
                rest = rest[amp...]
                guard let semi = rest.firstIndex(of: ";"), rest.distance(from: amp, to: semi) <= 10 else {
                    out += "&"
                    rest = rest.dropFirst()
                    continue
                }
                let entity = rest[rest.index(after: amp)..<semi]
                switch entity {
                case "amp": out += "&"
                case "lt": out += "<"
                case "gt": out += ">"
                case "quot": out += "\""
                case "apos": out += "'"
                default:
                    var scalar: Unicode.Scalar? = nil
                    if entity.hasPrefix("#x") || entity.hasPrefix("#X") {
                        scalar = UInt32(entity.dropFirst(2), radix: 16).flatMap(Unicode.Scalar.init)
                    } else if entity.hasPrefix("#") {
                        scalar = UInt32(entity.dropFirst()).flatMap(Unicode.Scalar.init)
                    }
                    if let scalar { out.unicodeScalars.append(scalar) } else { out += "&" + entity + ";" }
                }
                rest = rest[rest.index(after: semi)...]
            }
            return out + rest
        }
    }
}
