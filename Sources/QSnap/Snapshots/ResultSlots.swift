import QSnapCore
import Synchronization

/// One result slot per parallel task (`DispatchQueue.concurrentPerform`), filled from any thread.
final class ResultSlots<Value: Sendable>: Sendable {
    private let slots: Mutex<[Result<Value, any Error>?]>

    /// Creates `count` empty slots.
    init(count: Int) {
        slots = Mutex(Array(repeating: nil, count: count))
    }

    /// Fills slot `index`.
    func set(_ index: Int, _ result: Result<Value, any Error>) {
        slots.withLock { $0[index] = result }
    }

    /// Every slot's result; a slot never filled counts as a failure.
    var values: [Result<Value, any Error>] {
        slots.withLock { slots in
            slots.map { $0 ?? .failure(QSnapError(.failure("internal"), "a parallel task left no result")) }
        }
    }
}
