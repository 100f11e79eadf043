import Foundation
import Synchronization

/// A binary wake-up signal for one waiting thread, over a pthread mutex and condition variable: ``signal()`` from any
/// thread; ``wait()`` returns at once when a signal is pending (and consumes it), otherwise blocks until the next one.
/// No signal is lost; several signals before a wait count as one (the waiter re-reads the state it waits on).
final class ThreadWake: @unchecked Sendable {  // pthread objects are thread-safe; Swift cannot see it through pointers
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    private var signalled = false  // guarded by `mutex`

    init() {
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    func signal() {
        pthread_mutex_lock(mutex)
        signalled = true
        pthread_cond_signal(condition)
        pthread_mutex_unlock(mutex)
    }

    func wait() {
        pthread_mutex_lock(mutex)
        while !signalled { pthread_cond_wait(condition, mutex) }
        signalled = false
        pthread_mutex_unlock(mutex)
    }
}

/// Wakes whoever drives one side of a transfer (the body consumer or the body producer) after the event loop changed
/// its state: a blocked thread (``HTTPClient/perform(_:body:onResponse:onBody:onProgress:)``) or a suspended task.
/// Binary, like ``ThreadWake``: the woken side re-reads the transfer's state.
final class Wake: Sendable {
    private let thread: ThreadWake?
    private let task = PThreadLocked<(signalled: Bool, waiter: CheckedContinuation<Void, Never>?)>((false, nil))

    /// A wake for a blocked thread (`blocking`) or for a task.
    init(blocking: Bool) { thread = blocking ? ThreadWake() : nil }

    func signal() {
        if let thread { return thread.signal() }
        let waiter = task.withLock { state -> CheckedContinuation<Void, Never>? in
            if let waiter = state.waiter {
                state.waiter = nil
                return waiter
            }
            state.signalled = true
            return nil
        }
        waiter?.resume()
    }

    /// Blocks the calling thread until signalled (blocking wakes only).
    func waitBlocking() {
        guard let thread else { preconditionFailure("waitBlocking() on a task wake") }
        thread.wait()
    }

    /// Suspends the calling task until signalled (task wakes only). Not cancellable by itself: cancellation aborts the
    /// transfer, whose completion signals.
    func wait() async {
        precondition(thread == nil, "wait() on a blocking wake")
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let now = task.withLock { state -> Bool in
                if state.signalled {
                    state.signalled = false
                    return true
                }
                state.waiter = continuation
                return false
            }
            if now { continuation.resume() }
        }
    }
}
