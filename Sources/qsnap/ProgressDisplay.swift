import Foundation
import Logging
import QSnap
import QSnapCore
import Synchronization

/// The one progress component of backup, restore, verify and migrate. On a terminal it redraws a bar per line
/// (amount, rate, ETA) on standard error twice a second; otherwise (a log file, a CronJob) it logs one sentence per
/// line every `logInterval` seconds. `NO_COLOR` (or `TERM=dumb`) drops the colour. Off with `--quiet` and `--json`.
///
/// Every draw happens under one lock, and ``stop()`` draws the last state under it and marks the display stopped,
/// so a periodic draw can never interleave with or follow the final one.
final class ProgressDisplay: Sendable {
    private enum Mode { case terminal(color: Bool), log(interval: Double), off }
    private struct State {
        var stopped = false
        var drawnLines = 0
        var lastLog = Date.distantPast
    }

    private let progress: TransferProgress
    private let mode: Mode
    private let logger: Logger
    private let state = Mutex(State())
    private let ticker = Mutex<Task<Void, Never>?>(nil)

    /// - Parameters:
    ///   - enabled: false for `--quiet` and `--json`.
    ///   - logInterval: seconds between log lines when standard error is not a terminal.
    init(
        progress: TransferProgress, enabled: Bool, logger: Logger, logInterval: Double = 30,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        self.progress = progress
        self.logger = logger
        if !enabled {
            mode = .off
        } else if isatty(STDERR_FILENO) == 1 {
            let noColor = !(environment["NO_COLOR"] ?? "").isEmpty || environment["TERM"] == "dumb"
            mode = .terminal(color: !noColor)
        } else {
            mode = .log(interval: logInterval)
        }
    }

    /// Starts the periodic draws (a task on the caller's executor pool; nothing is drawn after ``stop()``).
    func start() {
        let period: Double
        switch mode {
        case .off: return
        case .terminal: period = 0.5
        case .log(let interval): period = min(interval, 5)
        }
        let task = Task { [self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(period))
                draw(final: false)
            }
        }
        ticker.withLock { $0 = task }
    }

    /// Draws the final state once and stops the periodic draws.
    func stop() {
        ticker.withLock { $0?.cancel() }
        draw(final: true)
    }

    private func draw(final: Bool) {
        state.withLock { s in
            guard !s.stopped else { return }
            if final { s.stopped = true }
            let elapsed = Date().timeIntervalSince(progress.started)
            let lines = progress.snapshot()
            switch mode {
            case .off:
                return
            case .terminal(let color):
                var text = s.drawnLines > 0 ? "\u{1B}[\(s.drawnLines)A" : ""
                for line in lines { text += "\u{1B}[2K" + line.terminalLine(elapsed: elapsed, color: color) + "\n" }
                s.drawnLines = lines.count
                FileHandle.standardError.write(Data(text.utf8))
            case .log(let interval):
                // Lines with nothing started yet (a snapshot still being created) say nothing worth a log line.
                let started = lines.filter { $0.done > 0 || $0.expected > 0 }
                guard !final, Date().timeIntervalSince(s.lastLog) >= interval, !started.isEmpty else { return }
                s.lastLog = Date()
                for line in started { logger.notice("progress \(line.logLine(elapsed: elapsed))") }
            }
        }
    }
}
