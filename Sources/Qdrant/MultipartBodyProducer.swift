import QSnapCore
import Synchronization

/// Produces a multipart request body for ``HTTP/HTTPAsyncBody/producer(length:_:)``: the framing prefix, the
/// caller's streamed chunks, the suffix.
///
/// With a declared length it passes exactly that many body bytes and fails if the source ends early or has more;
/// without one the body ends at the source's end. The HTTP layer calls ``next()`` from one task at a time.
final class MultipartBodyProducer: Sendable {
    private enum Phase { case prefix, body, done }

    private struct State {
        var phase = Phase.prefix
        var bodyBytes: Int64 = 0
        var failure: (any Error)?
    }

    private let framing: MultipartUpload
    private let declaredLength: Int64?
    private let source: @Sendable () async throws -> [UInt8]?
    private let state = Mutex(State())

    /// Creates a producer around `next`, the body's chunks (`nil` at the end).
    init(framing: MultipartUpload, length: Int64?, next: @escaping @Sendable () async throws -> [UInt8]?) {
        self.framing = framing
        self.declaredLength = length
        self.source = next
    }

    /// What the source threw, or the length mismatch, once the body failed.
    var failure: (any Error)? { state.withLock { $0.failure } }

    /// The next piece of the request body, `nil` at its end. The framing goes out with the first body bytes (or the
    /// end), never alone: a source that fails before its first bytes leaves nothing sent to the server.
    func next() async throws -> [UInt8]? {
        switch state.withLock({ $0.phase }) {
        case .prefix:
            state.withLock { $0.phase = .body }
            guard let first = try await body() else { return framing.prefix + framing.suffix }
            return framing.prefix + first
        case .body:
            return try await body() ?? framing.suffix
        case .done:
            return nil
        }
    }

    /// The source's next chunk, counted against the declared length; `nil` at its end (the phase is then `done`).
    private func body() async throws -> [UInt8]? {
        do {
            while true {
                guard let chunk = try await source() else {
                    let sent = state.withLock { $0.bodyBytes }
                    if let declaredLength, sent != declaredLength {
                        throw QdrantError(
                            .uploadLength,
                            "the snapshot body ended after \(sent) bytes; \(declaredLength) were announced")
                    }
                    state.withLock { $0.phase = .done }
                    return nil
                }
                if chunk.isEmpty { continue }
                let sent = state.withLock { s -> Int64 in
                    s.bodyBytes += Int64(chunk.count)
                    return s.bodyBytes
                }
                if let declaredLength, sent > declaredLength {
                    throw QdrantError(
                        .uploadLength,
                        "the snapshot body is longer than the \(declaredLength) bytes announced")
                }
                return chunk
            }
        } catch {
            // A cancelled producer was stopped by the transfer's end, not by its source.
            if !(error is CancellationError) { state.withLock { if $0.failure == nil { $0.failure = error } } }
            throw error
        }
    }
}
