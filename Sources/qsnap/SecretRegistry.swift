import Foundation
import QSnapCore
import Synchronization

/// Every secret this process knows (S3 keys, session tokens, api keys), masked in logs and error text as a last
/// line of defence: the layers below never put secrets into messages in the first place.
enum SecretRegistry {
    private static let redactor = Mutex(Redactor(secrets: environmentSecrets()))

    /// Secrets from the environment.
    static func environmentSecrets() -> [String] {
        let env = ProcessInfo.processInfo.environment
        return ["AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "QDRANT_API_KEY", "QDRANT_CLOUD_API_KEY"].compactMap {
            env[$0]
        }
    }

    /// Registers a secret given on the command line or read from a file.
    static func register(_ secret: String?) {
        guard let secret, !secret.isEmpty else { return }
        redactor.withLock { $0.add(secret) }
    }

    /// `text` with every known secret and presigned signature masked.
    static func redact(_ text: String) -> String {
        redactor.withLock { $0.redact(text) }
    }
}
