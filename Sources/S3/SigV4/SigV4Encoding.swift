/// Percent-encoding and path rules of Signature Version 4 (S3 flavour: encode once, never normalise).
public enum SigV4Encoding {
    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    private static func isUnreserved(_ c: UInt8) -> Bool {
        switch c {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
            UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    /// Encodes every UTF-8 byte except `A–Z a–z 0–9 - _ . ~` (and `/` when `keepSlash`) as `%XX`, upper-case hex.
    ///
    /// - Parameters:
    ///   - text: the raw (decoded) text.
    ///   - keepSlash: `true` for paths and object keys, `false` for query names and values.
    /// - Returns: the encoded text; space becomes `%20`, never `+`.
    public static func encode(_ text: String, keepSlash: Bool) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for c in text.utf8 {
            if isUnreserved(c) || (keepSlash && c == UInt8(ascii: "/")) {
                out.append(c)
            } else {
                out.append(UInt8(ascii: "%"))
                out.append(hexDigits[Int(c >> 4)])
                out.append(hexDigits[Int(c & 0x0f)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Encodes an object key or a raw path for the URL and the canonical URI (`/` kept).
    public static func encodePath(_ path: String) -> String { encode(path, keepSlash: true) }

    /// Encodes a query parameter name or value (`/` becomes `%2F`).
    public static func encodeQuery(_ text: String) -> String { encode(text, keepSlash: false) }

    /// Decodes `%XX` escapes (and, when `plusIsSpace`, `+` as a space); invalid escapes are kept literally.
    public static func decode(_ text: String, plusIsSpace: Bool = false) -> String {
        let bytes = Array(text.utf8)
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            let c = bytes[i]
            if c == UInt8(ascii: "%"), i + 2 < bytes.count,
                let hi = hexValue(bytes[i + 1]), let lo = hexValue(bytes[i + 2])
            {
                out.append(hi << 4 | lo)
                i += 3
            } else if plusIsSpace && c == UInt8(ascii: "+") {
                out.append(UInt8(ascii: " "))
                i += 1
            } else {
                out.append(c)
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// Generic-URI path normalisation (RFC 3986 dot-segment removal and merging of repeated slashes), used by
    /// services other than S3. S3 never normalises: `a//b` and `a/../b` are literal key names.
    public static func normalizePath(_ path: String) -> String {
        let segments = path.split(separator: "/", omittingEmptySubsequences: true)
        var stack: [Substring] = []
        for segment in segments {
            if segment == "." { continue }
            if segment == ".." {
                if !stack.isEmpty { stack.removeLast() }
                continue
            }
            stack.append(segment)
        }
        var result = "/" + stack.joined(separator: "/")
        let endsWithSlash = path.hasSuffix("/") || path.hasSuffix("/.") || path.hasSuffix("/..")
        if endsWithSlash && !stack.isEmpty { result += "/" }
        return result
    }
}
