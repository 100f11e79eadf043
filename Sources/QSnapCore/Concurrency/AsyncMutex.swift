/// Mutual exclusion for async code: ``withLock(_:)`` runs its body, awaits included, while no other body of the same
/// mutex runs; waiters are suspended (holding no thread) and served in order.
public final class AsyncMutex: Sendable {
    private struct State {
        var locked = false
        var waiters: [CheckedContinuation<Void, Never>] = []
    }

    private let state = PThreadLocked(State())

    /// Creates an unlocked mutex.
    public init() {}

    /// Runs `body` holding the mutex.
    public func withLock<R>(_ body: () async throws -> R) async rethrows -> R {
        await lock()
        do {
            let result = try await body()
            unlock()
            return result
        } catch {
            unlock()
            throw error
        }
    }

    private func lock() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let acquired = state.withLock { s -> Bool in
                if !s.locked {
                    s.locked = true
                    return true
                }
                s.waiters.append(continuation)
                return false
            }
            if acquired { continuation.resume() }
        }
    }

    private func unlock() {
        let next = state.withLock { s -> CheckedContinuation<Void, Never>? in
            guard !s.waiters.isEmpty else {
                s.locked = false
                return nil
            }
            return s.waiters.removeFirst()  // stays locked: handed to the next waiter
        }
        next?.resume()
    }
}
