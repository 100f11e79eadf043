import Foundation

/// A wall-clock duration in job files: `90s`, `15m`, `2h`, `1d`, `1h30m`, or a bare number of seconds.
///
/// Unlike ``RetentionDuration`` (restic's calendar units, where `m` is months), `m` here means **minutes**:
/// these durations time locks and waits, not calendar retention.
public enum WallClockDuration {
    /// Parses the text into seconds, or returns `nil` when it is malformed or zero.
    public static func seconds(_ text: String) -> TimeInterval? {
        let t = text.trimmingCharacters(in: .whitespaces)
        if let whole = Int(t) { return whole > 0 ? TimeInterval(whole) : nil }
        let units: [Character: Int] = ["d": 86_400, "h": 3600, "m": 60, "s": 1]
        var total = 0
        var digits = ""
        var used: Set<Character> = []
        for ch in t {
            if ch.isASCII, ch.isNumber {
                digits.append(ch)
            } else if let unit = units[ch], !digits.isEmpty, used.insert(ch).inserted, let n = Int(digits) {
                total += n * unit
                digits = ""
            } else {
                return nil
            }
        }
        guard digits.isEmpty, total > 0 else { return nil }
        return TimeInterval(total)
    }

    /// Short text for `seconds`, e.g. `1h30m`, `45s`.
    public static func format(_ seconds: TimeInterval) -> String {
        var rest = Int(seconds.rounded())
        guard rest > 0 else { return "0s" }
        var out = ""
        for (unit, size) in [("d", 86_400), ("h", 3600), ("m", 60), ("s", 1)] where rest >= size {
            out += "\(rest / size)\(unit)"
            rest %= size
        }
        return out
    }
}
