/// How often and how long to wait before retrying a failed request: exponential backoff with full jitter and a cap.
///
/// Pure: ``delay(forAttempt:random:)`` takes the random source, so tests are deterministic.
public struct RetryPolicy: Sendable, Hashable {
    /// The total number of attempts, the first included (1 = no retry).
    public var maxAttempts: Int
    /// The backoff base in seconds: attempt *n* (1-based, the one that failed) waits up to `base × 2^(n-1)`.
    public var baseDelay: Double
    /// The upper bound of any single wait, in seconds.
    public var maxDelay: Double
    /// Multiplier applied to the base after a throttling answer (`SlowDown`, 503): back off harder.
    public var throttleMultiplier: Double

    /// Creates a policy.
    public init(maxAttempts: Int = 5, baseDelay: Double = 0.2, maxDelay: Double = 20, throttleMultiplier: Double = 4) {
        precondition(maxAttempts >= 1, "maxAttempts must be at least 1")
        self.maxAttempts = maxAttempts
        self.baseDelay = baseDelay
        self.maxDelay = maxDelay
        self.throttleMultiplier = throttleMultiplier
    }

    /// No retries at all.
    public static let none = RetryPolicy(maxAttempts: 1)

    /// Whether another attempt is allowed after `attempt` (1-based) failed.
    public func shouldRetry(afterAttempt attempt: Int) -> Bool { attempt < maxAttempts }

    /// The cap of the wait after failed attempt `attempt` (1-based): `min(maxDelay, base × 2^(attempt-1))`.
    public func ceiling(forAttempt attempt: Int, throttled: Bool = false) -> Double {
        let base = throttled ? baseDelay * throttleMultiplier : baseDelay
        let exponent = Double(max(0, min(attempt - 1, 62)))
        return min(maxDelay, base * pow2(exponent))
    }

    /// The wait in seconds after failed attempt `attempt` (1-based): full jitter, uniform in `[0, ceiling]`.
    /// - Parameters:
    ///   - attempt: the attempt that just failed, from 1.
    ///   - throttled: the server asked to slow down.
    ///   - random: a source of numbers in `[0, 1)`.
    public func delay(forAttempt attempt: Int, throttled: Bool = false, random: () -> Double) -> Double {
        let r = min(max(random(), 0), 1)
        return ceiling(forAttempt: attempt, throttled: throttled) * r
    }

    /// ``delay(forAttempt:throttled:random:)`` with the system random generator.
    public func delay(forAttempt attempt: Int, throttled: Bool = false) -> Double {
        delay(forAttempt: attempt, throttled: throttled) { Double.random(in: 0..<1) }
    }

    private func pow2(_ e: Double) -> Double {
        var result = 1.0
        var i = 0.0
        while i < e { result *= 2; i += 1 }
        return result
    }
}
