import Foundation
import QSnapCore
import Synchronization

/// Wakes whoever drives one side of a transfer (the body consumer or the body producer) after the event loop changed
/// its state: the task waiting in ``HTTPClient/execute(_:body:onResponse:onBody:onProgress:)``, a response body's
/// `next()` or a body producer. Binary: several signals before a wait count as one (the woken side re-reads the
/// transfer's state).
final class Wake: Sendable {
    private let task = PThreadLocked<(signalled: Bool, waiter: CheckedContinuation<Void, Never>?)>((false, nil))

    func signal() {
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

    /// Suspends the calling task until signalled (task wakes only). Not cancellable by itself: cancellation aborts the
    /// transfer, whose completion signals.
    func wait() async {
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
