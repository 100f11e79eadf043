/// A bounded channel between tasks: ``send(_:)`` waits while `capacity` elements wait for a receiver (with capacity 0
/// it waits until a receiver takes the element), ``receive()`` waits for the next element. Any number of senders and
/// receivers; elements arrive in the order they were sent. ``finish()`` ends the sequence after the buffered elements;
/// ``fail(_:)`` ends it at once with an error that every waiting and later call throws. Cancelling a waiting task
/// makes its call throw `CancellationError`.
public final class BoundedChannel<Element: Sendable>: Sendable {
    private struct Waiter<Value> {
        var id: Int
        var continuation: CheckedContinuation<Value, any Error>
    }

    private struct State {
        var buffer: [Element] = []
        var finished = false
        var failure: (any Error)?
        var receivers: [Waiter<Element?>] = []
        /// Senders waiting for room: resumed with `false` to try again.
        var senders: [Waiter<Bool>] = []
        var nextID = 0
    }

    private enum SendOutcome {
        case handOff(CheckedContinuation<Element?, any Error>)
        case buffered
        case waiting
        case failed(any Error)
    }

    private let capacity: Int
    private let state = PThreadLocked(State())

    /// Creates a channel that buffers up to `capacity` elements (0: every send waits for its receiver).
    public init(capacity: Int) {
        precondition(capacity >= 0, "a channel's capacity is at least 0")
        self.capacity = capacity
    }

    /// Sends `element`, waiting for room.
    /// - Throws: the channel's failure, `CancellationError`, or a failure when the channel was finished.
    public func send(_ element: Element) async throws {
        while true {
            let id = state.withLock { s -> Int in
                s.nextID += 1
                return s.nextID
            }
            let sent: Bool = try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Bool, any Error>) in
                    let outcome = state.withLock { s -> SendOutcome in
                        if Task.isCancelled { return .failed(CancellationError()) }
                        if let failure = s.failure { return .failed(failure) }
                        if s.finished { return .failed(ChannelFinished()) }
                        if !s.receivers.isEmpty { return .handOff(s.receivers.removeFirst().continuation) }
                        if s.buffer.count < capacity {
                            s.buffer.append(element)
                            return .buffered
                        }
                        s.senders.append(Waiter(id: id, continuation: continuation))
                        return .waiting
                    }
                    switch outcome {
                    case .handOff(let receiver):
                        receiver.resume(returning: element)
                        continuation.resume(returning: true)
                    case .buffered: continuation.resume(returning: true)
                    case .waiting: break
                    case .failed(let error): continuation.resume(throwing: error)
                    }
                }
            } onCancel: {
                let waiter = state.withLock { s -> Waiter<Bool>? in
                    guard let i = s.senders.firstIndex(where: { $0.id == id }) else { return nil }
                    return s.senders.remove(at: i)
                }
                waiter?.continuation.resume(throwing: CancellationError())
            }
            if sent { return }
        }
    }

    /// The next element, or `nil` once the channel is finished and drained.
    /// - Throws: the channel's failure or `CancellationError`.
    public func receive() async throws -> Element? {
        let id = state.withLock { s -> Int in
            s.nextID += 1
            return s.nextID
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Element?, any Error>) in
                let (result, wake) = state.withLock { s -> (Result<Element?, any Error>?, [Waiter<Bool>]) in
                    if Task.isCancelled { return (.failure(CancellationError()), []) }
                    if let failure = s.failure { return (.failure(failure), []) }
                    if !s.buffer.isEmpty {
                        let element = s.buffer.removeFirst()
                        return (.success(element), s.senders.isEmpty ? [] : [s.senders.removeFirst()])
                    }
                    if s.finished { return (.success(nil), []) }
                    s.receivers.append(Waiter(id: id, continuation: continuation))
                    // A sender waiting for room can now hand its element to this receiver.
                    return (nil, s.senders.isEmpty ? [] : [s.senders.removeFirst()])
                }
                for sender in wake { sender.continuation.resume(returning: false) }
                if let result { continuation.resume(with: result) }
            }
        } onCancel: {
            let waiter = state.withLock { s -> Waiter<Element?>? in
                guard let i = s.receivers.firstIndex(where: { $0.id == id }) else { return nil }
                return s.receivers.remove(at: i)
            }
            waiter?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Ends the channel: receivers get the buffered elements, then `nil`; later sends fail.
    public func finish() {
        let (receivers, senders) = state.withLock { s -> ([Waiter<Element?>], [Waiter<Bool>]) in
            s.finished = true
            defer {
                s.receivers = []
                s.senders = []
            }
            return (s.receivers, s.senders)
        }
        for receiver in receivers { receiver.continuation.resume(returning: nil) }
        for sender in senders { sender.continuation.resume(returning: false) }
    }

    /// Ends the channel with `error` at once: buffered elements are dropped, every waiting and later call throws it.
    /// The first failure wins.
    public func fail(_ error: any Error) {
        let (receivers, senders) = state.withLock { s -> ([Waiter<Element?>], [Waiter<Bool>]) in
            if s.failure == nil { s.failure = error }
            s.buffer = []
            defer {
                s.receivers = []
                s.senders = []
            }
            return (s.receivers, s.senders)
        }
        for receiver in receivers { receiver.continuation.resume(throwing: error) }
        for sender in senders { sender.continuation.resume(throwing: error) }
    }

    /// What a send to a finished channel throws.
    public struct ChannelFinished: Error, Sendable, CustomStringConvertible {
        public var description: String { "the channel was finished" }
    }
}
