/// One line of progress — a node's snapshots, a verification, a migration's points — and how it is shown: a bar
/// with amount, rate and ETA on a terminal, a plain sentence in a log. Pure formatting, tested without a terminal.
public struct ProgressFigures: Sendable, Equatable {
    /// What is counted.
    public enum Unit: String, Sendable {
        /// Bytes (shown as KiB, MiB, GiB).
        case bytes
        /// Points (shown as a count).
        case points
    }

    /// What the line is about (a node URL, `verify`, a collection).
    public var label: String
    public var unit: Unit
    /// Done so far.
    public var done: Int64
    /// Expected in all (0 when not known yet).
    public var expected: Int64
    /// Objects finished and planned (objects: snapshots, batches; 0 planned hides them).
    public var objectsDone: Int
    public var objectsTotal: Int

    /// Creates figures.
    public init(
        label: String, unit: Unit = .bytes, done: Int64, expected: Int64, objectsDone: Int = 0,
        objectsTotal: Int = 0
    ) {
        self.label = label
        self.unit = unit
        self.done = done
        self.expected = expected
        self.objectsDone = objectsDone
        self.objectsTotal = objectsTotal
    }

    /// The done amount per second over `elapsed` seconds.
    public func rate(elapsed: Double) -> Double { Double(done) / max(elapsed, 0.001) }

    /// Seconds left at the current rate; `nil` when unknown or finished.
    public func eta(elapsed: Double) -> Int? {
        let rate = rate(elapsed: elapsed)
        guard rate > 0, expected > done else { return nil }
        return Int((Double(expected - done) / rate).rounded(.up))
    }

    /// A terminal line: `label [█████·····]  52%  1.0 GiB / 2.0 GiB  80.0 MiB/s  ETA 13 s  3/6 objects`. With
    /// `color`, the bar is green (ANSI); never with `NO_COLOR`.
    public func terminalLine(elapsed: Double, width: Int = 24, color: Bool) -> String {
        let fraction = expected > 0 ? min(1, Double(done) / Double(expected)) : 0
        let filled = Int((fraction * Double(width)).rounded(.down))
        var bar = String(repeating: "█", count: filled) + String(repeating: "·", count: width - filled)
        if color { bar = "\u{1B}[32m" + bar + "\u{1B}[0m" }
        let percent = expected > 0 ? String(Int((fraction * 100).rounded(.down))).leftPadded(to: 3) + "%" : "  ?%"
        return "\(label) [\(bar)] \(percent)  \(amounts(elapsed: elapsed))"
    }

    /// A log sentence: `label: 1.0 GiB of 2.0 GiB (52%), 80.0 MiB/s, ETA 13 s, 3/6 objects`.
    public func logLine(elapsed: Double) -> String {
        let percent = expected > 0 ? " (\(Int((min(1, Double(done) / Double(expected)) * 100).rounded(.down)))%)" : ""
        var text = "\(label): \(format(done))" + (expected > 0 ? " of \(format(expected))\(percent)" : "")
        text += ", \(format(Int64(rate(elapsed: elapsed))))/s"
        if let eta = eta(elapsed: elapsed) { text += ", ETA \(Self.duration(eta))" }
        if objectsTotal > 0 { text += ", \(objectsDone)/\(objectsTotal) objects" }
        return text
    }

    private func amounts(elapsed: Double) -> String {
        var text = format(done) + (expected > 0 ? " / \(format(expected))" : "")
        text += "  \(format(Int64(rate(elapsed: elapsed))))/s"
        if let eta = eta(elapsed: elapsed) { text += "  ETA \(Self.duration(eta))" }
        if objectsTotal > 0 { text += "  \(objectsDone)/\(objectsTotal) objects" }
        return text
    }

    private func format(_ amount: Int64) -> String {
        switch unit {
        case .bytes: return ByteCount.format(amount)
        case .points: return "\(amount) points"
        }
    }

    /// `42 s`, `3 min 5 s`, `2 h 1 min`.
    public static func duration(_ seconds: Int) -> String {
        if seconds < 60 { return "\(seconds) s" }
        if seconds < 3600 { return "\(seconds / 60) min \(seconds % 60) s" }
        return "\(seconds / 3600) h \((seconds % 3600) / 60) min"
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: " ", count: width - count) + self
    }
}
