import Foundation

/// A pthread mutex and condition variable guarding a value, for the libarchive side of the code: threads of
/// ``ArchiveWorkers`` wait on the condition (a blocking wait is what libarchive's read callback needs); async code
/// only takes the lock briefly and never waits on the condition.
final class ConditionLock<Value>: @unchecked Sendable {  // `value` is only touched with `mutex` held
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var value: Value

    init(_ value: Value) {
        self.value = value
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    /// Runs `body` with the lock held and wakes every blocked waiter afterwards (they re-check their condition).
    func withLock<R>(_ body: (inout Value) throws -> R) rethrows -> R {
        pthread_mutex_lock(mutex)
        defer {
            pthread_cond_broadcast(condition)
            pthread_mutex_unlock(mutex)
        }
        return try body(&value)
    }

    /// Blocks the calling thread until `ready` returns a result, then returns it (with the lock held while `ready`
    /// runs). Only for threads that may block: never call it from a Swift task.
    func wait<R>(until ready: (inout Value) throws -> R?) rethrows -> R {
        pthread_mutex_lock(mutex)
        defer {
            pthread_cond_broadcast(condition)
            pthread_mutex_unlock(mutex)
        }
        while true {
            if let result = try ready(&value) { return result }
            pthread_cond_wait(condition, mutex)
        }
    }
}
