import ArgumentParser
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
