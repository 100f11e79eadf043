import Foundation
import Logging
import Synchronization

/// Bootstraps swift-log exactly once, writing to standard error through ``RedactingLogHandler``.
enum LoggingBootstrapper {
    private static let done = Mutex(false)

    static func bootstrap(level: Logger.Level) {
        done.withLock { done in
            guard !done else { return }
            done = true
            LoggingSystem.bootstrap { label in
                var handler = RedactingLogHandler(StreamLogHandler.standardError(label: label))
                handler.logLevel = level
                return handler
            }
        }
    }
}

/// Masks known secrets in every message and metadata value before the wrapped handler writes it.
struct RedactingLogHandler: LogHandler {
    private var inner: any LogHandler

    init(_ inner: any LogHandler) { self.inner = inner }

    var logLevel: Logger.Level {
        get { inner.logLevel }
        set { inner.logLevel = newValue }
    }

    var metadataProvider: Logger.MetadataProvider? {
        get { inner.metadataProvider }
        set { inner.metadataProvider = newValue }
    }

    var metadata: Logger.Metadata {
        get { inner.metadata }
        set { inner.metadata = newValue }
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { inner[metadataKey: key] }
        set { inner[metadataKey: key] = newValue }
    }

    func log(event: LogEvent) {
        var event = event
        event.message = "\(SecretRegistry.redact(event.message.description))"
        if let metadata = event.metadata {
            event.metadata = metadata.mapValues { .string(SecretRegistry.redact($0.description)) }
        }
        inner.log(event: event)
    }
}
