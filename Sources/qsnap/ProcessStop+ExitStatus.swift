import QSnapCore

extension ProcessStop {
    /// The exit status of a process stopped by a signal: 128 + the signal (143 for SIGTERM, 130 for SIGINT).
    static var exitStatus: Int32? { signal.map { 128 + $0 } }
}
