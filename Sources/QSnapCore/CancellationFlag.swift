import Synchronization

/// A flag one thread raises to stop work another thread is doing (a transfer, a read loop); the worker checks it at
/// its own pace and throws ``cancelledError(_:)``.
///
/// Thread-safe. Raising it is final.
public final class CancellationFlag: Sendable {
    private let raised = Mutex(false)

    /// A flag that is not raised.
    public init() {}

    /// Raises the flag (once; later calls do nothing).
    public func cancel() { raised.withLock { $0 = true } }

    /// Whether ``cancel()`` was called.
    public var isCancelled: Bool { raised.withLock { $0 } }

    /// The error a worker throws when it stopped because of the flag: `failure("cancelled")`, naming `what` stopped.
    public static func cancelledError(_ what: String) -> QSnapError {
        QSnapError(.failure("cancelled"), "\(what) was cancelled")
    }
}
