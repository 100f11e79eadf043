import Synchronization

/// A stop asked of the whole process by SIGTERM or SIGINT (how Kubernetes, systemd and a terminal stop a job).
///
/// The signal handler only records the signal (``request(_:)`` is async-signal-safe: one atomic store). Work stops
/// at its own pace: transfers that were running when the stop came are aborted within about a second (the HTTP
/// transport's progress callback), and every loop that starts new work calls ``check()`` first. Clean-up that runs
/// afterwards — aborting multipart uploads, deleting a staging collection, releasing a lock — starts new transfers,
/// which are not aborted. The command line then exits with 128 + the signal (143 for SIGTERM, 130 for SIGINT).
public enum ProcessStop {
    private static let signalNumber = Atomic<Int32>(0)
    private static let count = Atomic<Int32>(0)

    /// Records `signal`; returns how many stop signals have arrived (the caller exits at once on the second).
    /// Async-signal-safe.
    @discardableResult
    public static func request(_ signal: Int32) -> Int32 {
        _ = signalNumber.compareExchange(expected: 0, desired: signal, ordering: .sequentiallyConsistent)
        return count.add(1, ordering: .sequentiallyConsistent).newValue
    }

    /// The signal that asked the process to stop, or `nil`.
    public static var signal: Int32? {
        let s = signalNumber.load(ordering: .sequentiallyConsistent)
        return s == 0 ? nil : s
    }

    /// True once a stop was asked for.
    public static var isRequested: Bool { signal != nil }

    /// Throws ``stoppedError`` when a stop was asked for: call it before starting new work.
    public static func check() throws {
        if let error = stoppedError { throw error }
    }

    /// `failure("interrupted")` naming the signal, or `nil`.
    public static var stoppedError: QSnapError? {
        guard let s = signal else { return nil }
        let name = s == 15 ? "SIGTERM" : s == 2 ? "SIGINT" : "signal \(s)"
        return QSnapError(.interrupted, "stopped by \(name)")
    }
}
