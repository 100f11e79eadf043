import Foundation

/// The source api key: `--api-key` or `QDRANT_API_KEY`.
enum APIKey {
    static func resolve(_ flag: String?) -> String? {
        SecretRegistry.register(flag)
        if let flag, !flag.isEmpty { return flag }
        if let env = ProcessInfo.processInfo.environment["QDRANT_API_KEY"], !env.isEmpty { return env }
        return nil
    }
}
