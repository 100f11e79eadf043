/// protojson's enum encoding: the value's name as a string on output; the name or the number accepted on input.
enum CloudEnumCoding {
    /// Decodes a name, or maps a number through `names` (index = number); an unknown number becomes
    /// `<prefix>_<number>` so nothing is lost.
    static func decode(_ decoder: any Decoder, names: [String]) throws -> String {
        let c = try decoder.singleValueContainer()
        if let name = try? c.decode(String.self) { return name }
        let number = try c.decode(Int.self)
        return names.indices.contains(number)
            ? names[number] : "\(names[0].replacingAll("UNSPECIFIED", with: ""))\(number)"
    }

    /// `name` without `prefix` (`BACKUP_STATUS_SUCCEEDED` → `SUCCEEDED`).
    static func short(_ name: String, prefix: String) -> String {
        name.hasPrefix(prefix) ? String(name.dropFirst(prefix.count)) : name
    }
}
