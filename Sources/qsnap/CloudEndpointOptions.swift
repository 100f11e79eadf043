import ArgumentParser
import Foundation
import HTTP
import Logging
import QSnap
import QSnapCore

/// `--cloud-api-url` and `--cloud-ca-bundle`, shared by `qsnap cloud …` and `qsnap drill --cloud-backups`.
struct CloudEndpointOptions: ParsableArguments {
    @Option(help: "The Qdrant Cloud management API (REST gateway).")
    var cloudApiUrl: String = CloudAPIEndpoint.defaultURL

    @Option(help: "A PEM file of CA certificates to trust for --cloud-api-url (default: the system's trust store).")
    var cloudCaBundle: String?

    func validate() throws {
        if let path = cloudCaBundle, !FileManager.default.isReadableFile(atPath: path) {
            throw ValidationError("cannot read \(path): give a readable PEM file")
        }
    }

    /// A client for `accountID` with the key from `QDRANT_CLOUD_API_KEY`.
    /// - Throws: `usage("cloud.key-missing")` without a key, `usage("cloud.url")`/`usage("cloud.insecure-url")`.
    func client(accountID: String, logger: Logger) throws -> CloudAPIClient {
        let variable = CloudAPIClient.keyEnvironmentVariable
        let key = ProcessInfo.processInfo.environment[variable]?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        SecretRegistry.register(key)
        guard !key.isEmpty else {
            throw QSnapError(
                .cloudKeyMissing,
                "set \(variable) to a Qdrant Cloud management key (Cloud console: Access Management, Management Keys); "
                    + "qsnap reads the key only from the environment")
        }
        return CloudAPIClient(
            endpoint: try CloudAPIEndpoint(cloudApiUrl), accountID: accountID, apiKey: key,
            tls: TLSSettings(caBundlePath: cloudCaBundle), logger: logger)
    }
}
