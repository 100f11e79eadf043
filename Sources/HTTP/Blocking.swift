import Foundation

/// Runs blocking work (curl transfers, file hashing) on a dedicated thread, never on Swift's cooperative pool.
public enum Blocking {
    /// Runs `body` on a new `Thread` and resumes with its result.
    /// - Parameters:
    ///   - name: the thread's name (shown by debuggers).
    ///   - body: the blocking work.
    /// - Returns: what `body` returns.
    /// - Throws: what `body` throws.
    public static func run<T: Sendable>(
        name: String = "qsnap-blocking", _ body: @escaping @Sendable () throws -> T
    ) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            let thread = Thread {
                continuation.resume(with: Result { try body() })
            }
            thread.name = name
            thread.start()
        }
    }
}
