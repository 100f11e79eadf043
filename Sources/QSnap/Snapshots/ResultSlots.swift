import Foundation
import QSnapCore

/// One result slot per parallel task (`DispatchQueue.concurrentPerform`), filled from any thread.
final class ResultSlots<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Result<Value, any Error>?]

    /// Creates `count` empty slots.
    init(count: Int) {
        slots = Array(repeating: nil, count: count)
    }

    /// Fills slot `index`.
    func set(_ index: Int, _ result: Result<Value, any Error>) {
        lock.withLock { slots[index] = result }
    }

    /// Every slot's result; a slot never filled counts as a failure.
    var values: [Result<Value, any Error>] {
        lock.withLock {
            slots.map { $0 ?? .failure(QSnapError(.failure("internal"), "a parallel task left no result")) }
        }
    }
}

