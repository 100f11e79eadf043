import Foundation
import Logging
import QSnap
import QSnapCore

/// Opens `--repo` for the key commands: it must be an encrypted repository.
enum KeyOpening {
    static func open(_ location: RepositoryLocation, s3: RepositoryOptions, logger: Logger) async throws
        -> EncryptedRepository
    {
        let repository = try await s3.open(location, logger: logger)
        guard let encrypted = repository as? EncryptedRepository else {
            throw QSnapError(
                .keyPlainRepository,
                "\(repository.displayURL) is not an encrypted repository: it has no keys (see qsnap repo init --encryption)"
            )
        }
        return encrypted
    }
}
