import Foundation
import QSnap
import QSnapCore

/// Redraws per-node progress (bytes, rate, ETA) on standard error while a transfer runs — only on a terminal.
final class ProgressDisplay: @unchecked Sendable {
    private let progress: TransferProgress
    private let enabled: Bool
    private var thread: Thread?
    private let lock = NSLock()
    private var stopped = false
    private var drawnLines = 0

    init(progress: TransferProgress, enabled: Bool) {
        self.progress = progress
        self.enabled = enabled && isatty(STDERR_FILENO) == 1
    }

    func start() {
        guard enabled else { return }
        let t = Thread { [self] in
            while !lock.withLock({ stopped }) {
                draw()
                Thread.sleep(forTimeInterval: 0.5)
            }
        }
        thread = t
        t.start()
    }

    func stop() {
        lock.withLock { stopped = true }
        if enabled { draw() }
    }

    private func draw() {
        let lines = progress.snapshot()
        let elapsed = max(0.001, Date().timeIntervalSince(progress.started))
        var text = drawnLines > 0 ? "\u{1B}[\(drawnLines)A" : ""
        for l in lines {
            let rate = Double(l.bytes) / elapsed
            let remaining = max(0, l.expected - l.bytes)
            let eta = rate > 0 && remaining > 0 ? " ETA \(Int(Double(remaining) / rate)) s" : ""
            text += "\u{1B}[2K\(l.node): \(l.objectsDone)/\(l.objectsTotal) objects, \(ByteCount.format(l.bytes)) at \(ByteCount.format(Int64(rate)))/s\(eta)\n"
        }
        drawnLines = lines.count
        FileHandle.standardError.write(Data(text.utf8))
    }
}
