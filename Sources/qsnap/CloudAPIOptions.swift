import ArgumentParser
import Foundation
import HTTP
import Logging
import QSnap
import QSnapCore

/// How the `qsnap cloud` commands reach the Qdrant Cloud management API: the account, the API's URL and the CA to
/// trust. The management key comes only from `QDRANT_CLOUD_API_KEY` (never a flag: command lines are visible to
/// other users), is registered for redaction and never printed.
struct CloudAPIOptions: ParsableArguments {
    @Option(help: "The Qdrant Cloud account id (a UUID; Cloud console, account settings).")
    var accountId: String

    @OptionGroup var endpoint: CloudEndpointOptions

    /// A client for the account, with the key from the environment.
    /// - Throws: `usage("cloud.id")` for an account id that is not a UUID, and what ``CloudEndpointOptions`` throws.
    func client(logger: Logger) throws -> CloudAPIClient {
        try endpoint.client(accountID: try CloudID.validate(accountId, what: "--account-id"), logger: logger)
    }
}

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
                .usage("cloud.key-missing"),
                "set \(variable) to a Qdrant Cloud management key (Cloud console: Access Management, Management Keys); "
                    + "qsnap reads the key only from the environment")
        }
        return CloudAPIClient(
            endpoint: try CloudAPIEndpoint(cloudApiUrl), accountID: accountID, apiKey: key,
            tls: TLSSettings(caBundlePath: cloudCaBundle), logger: logger)
    }
}
