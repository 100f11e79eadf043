import Foundation

/// A value behind a pthread mutex, used like `Synchronization.Mutex` (`withLock`). State that several threads share
/// at a high rate (the event loop's transfers, the channels between tasks) lives here because ThreadSanitizer
/// understands pthread mutexes, while `Mutex` locks with raw futex calls on Linux that TSan cannot see (every access
/// would be reported as a race).
public final class PThreadLocked<Value>: @unchecked Sendable {  // `value` is only touched with `mutex` held
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private var value: Value

    /// Creates the lock around `value`.
    public init(_ value: Value) {
        self.value = value
        pthread_mutex_init(mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// Runs `body` with exclusive access to the value.
    public func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }
}
