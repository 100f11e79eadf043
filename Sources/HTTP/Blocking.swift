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
            // A detached thread, left to exit on its own after it resumed the caller: joining it would block a thread
            // of the cooperative pool, which is what this avoids. What it still runs after `resume` is the release of
            // `body` and the thread-exit clean-up (thread-local destructors, OpenSSL's per-thread state). That is safe
            // even if the process exits meanwhile because OpenSSL is initialised without its `atexit` clean-up
            // (``OpenSSLRuntime``, done before libcurl initialises it), so `exit()` frees no state such a thread uses.
            let thread = Thread {
                continuation.resume(with: Result { try body() })
            }
            thread.name = name
            thread.start()
        }
    }
}
