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

    /// The next piece of the request body, `nil` at its end.
    func next() async throws -> [UInt8]? {
        switch state.withLock({ $0.phase }) {
        case .prefix:
            state.withLock { $0.phase = .body }
            return framing.prefix
        case .body:
            do {
                guard let chunk = try await source() else {
                    let sent = state.withLock { $0.bodyBytes }
                    if let declaredLength, sent != declaredLength {
                        throw QSnapError(
                            .failure("qdrant.upload-length"),
                            "the snapshot body ended after \(sent) bytes; \(declaredLength) were announced")
                    }
                    state.withLock { $0.phase = .done }
                    return framing.suffix
                }
                let sent = state.withLock { s -> Int64 in
                    s.bodyBytes += Int64(chunk.count)
                    return s.bodyBytes
                }
                if let declaredLength, sent > declaredLength {
                    throw QSnapError(
                        .failure("qdrant.upload-length"),
                        "the snapshot body is longer than the \(declaredLength) bytes announced")
                }
                return chunk
            } catch {
                state.withLock { if $0.failure == nil { $0.failure = error } }
                throw error
            }
        case .done:
            return nil
        }
    }
}
