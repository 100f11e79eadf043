import Logging
import Synchronization

/// Bootstraps swift-log exactly once, writing to standard error.
enum LoggingBootstrapper {
    private static let done = Mutex(false)

    static func bootstrap(level: Logger.Level) {
        done.withLock { done in
            guard !done else { return }
            done = true
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardError(label: label)
                handler.logLevel = level
                return handler
            }
        }
    }
}
