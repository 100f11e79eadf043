import Foundation
import QSnapCore

/// Opening, initialising and managing the keys of repositories: `qsnap-repository.json` says whether a repository
/// is encrypted, `keys/<id>.json` hold the master key wrapped under each password (``KeyFile``).
public enum RepositoryKeyring {
    /// The repository's config, or `nil` when it has none yet (a new directory, or a plain repository before its
    /// first backup).
    public static func config(of raw: any Repository) async throws -> RepositoryConfig? {
        guard try await raw.head(key: BackupLayout.marker) != nil else { return nil }
        return try await RepositoryConfig(
            parsing: raw.getAll(key: BackupLayout.marker, limit: 1 << 16),
            location: "\(raw.displayURL)/\(BackupLayout.marker)")
    }

    /// Opens `raw`: a plain repository as it is, an encrypted one with the password `password()` gives (asked only
    /// for an encrypted repository).
    /// - Throws: `usage("key.password-missing")` when an encrypted repository gets no password;
    ///   `keyRejected("key.wrong-password")` (exit 6) when it opens none of the key files.
    public static func open(_ raw: any Repository, password: () throws -> String?) async throws -> any Repository {
        guard let config = try await config(of: raw), let encryption = config.encryption else { return raw }
        guard let password = try password(), !password.isEmpty else {
            throw QSnapError(
                .keyPasswordMissing,
                "\(raw.displayURL) is an encrypted repository: give its password with QSNAP_PASSWORD, QSNAP_PASSWORD_FILE or --password-command"
            )
        }
        return try await unlock(raw, encryption: encryption, password: password)
    }

    /// Tries `password` on every key file.
    static func unlock(_ raw: any Repository, encryption: RepositoryConfig.Encryption, password: String) async throws
        -> EncryptedRepository
    {
        let files = try await keyFiles(raw, encryption: encryption)
        guard !files.isEmpty else {
            throw QSnapError(
                .keyNone,
                "\(raw.displayURL) is encrypted but holds no key file under \(encryption.keys): it cannot be opened")
        }
        for file in files {
            if let secrets = try file.unwrap(password: password) {
                return EncryptedRepository(inner: raw, config: encryption, keyID: file.id, secrets: secrets)
            }
        }
        throw QSnapError(
            .keyWrongPassword,
            "the password opens none of the \(files.count) key(s) of \(raw.displayURL): wrong password (check QSNAP_PASSWORD, QSNAP_PASSWORD_FILE or --password-command)"
        )
    }

    /// Every key file, by id.
    static func keyFiles(_ raw: any Repository, encryption: RepositoryConfig.Encryption) async throws -> [KeyFile] {
        var files: [KeyFile] = []
        for object in try await raw.list(prefix: encryption.keys) where object.key.hasSuffix(".json") {
            let bytes = try await raw.getAll(key: object.key, limit: 1 << 16)
            do {
                files.append(try JSONDecoder().decode(KeyFile.self, from: Data(bytes)))
            } catch {
                throw QSnapError(
                    .keyFile, "\(raw.displayURL)/\(object.key) is not a qsnap key file: \(error)")
            }
        }
        return files.sorted { $0.created == $1.created ? $0.id < $1.id : $0.created < $1.created }
    }

    /// What `repo init` made.
    public struct Initialized: Sendable, Codable {
        public var repository: String
        public var encryption: String
        public var compression: String
        public var keyID: String?
    }

    /// Writes the config of a new repository (the key file first, the config last).
    /// - Throws: `refused("repo.initialized")` when a config exists, `refused("repo.has-backups")` when backups do:
    ///   a plain repository is never turned into a mixed one.
    public static func initialize(
        _ raw: any Repository, encrypted: Bool, compression: ObjectCompression,
        password: String?
    ) async throws -> Initialized {
        if let existing = try await config(of: raw) {
            throw QSnapError(
                .repoInitialized,
                "\(raw.displayURL) is already a qsnap repository (\(existing.encryption == nil ? "plain" : "encrypted")); nothing was changed"
            )
        }
        guard try await raw.list(prefix: BackupLayout.backupsFolder).isEmpty else {
            throw QSnapError(
                .repoHasBackups,
                "\(raw.displayURL) already holds backups: it stays a plain repository (encrypt by backing up into a new one); nothing was changed"
            )
        }
        guard encrypted else {
            guard compression == .none else {
                throw QSnapError(
                    .repoCompression,
                    "--compression needs --encryption aes-256-gcm: a plain repository stores the snapshots as they are")
            }
            try await raw.put(key: BackupLayout.marker, bytes: RepositoryConfig.plain.bytes)
            return Initialized(repository: raw.displayURL, encryption: "none", compression: "none", keyID: nil)
        }
        guard let password, !password.isEmpty else {
            throw QSnapError(
                .keyPasswordMissing,
                "an encrypted repository needs a password: QSNAP_PASSWORD, QSNAP_PASSWORD_FILE or --password-command")
        }
        let config = RepositoryConfig.encrypted()
        let secrets = RepositorySecrets(masterKey: .random(), compression: compression)
        let file = try KeyFile.wrap(secrets, password: password, created: now(), host: ProcessInfo.processInfo.hostName)
        try await raw.put(key: config.encryption!.keys + file.id + ".json", bytes: file.bytes)
        try await raw.put(key: BackupLayout.marker, bytes: config.bytes)
        return Initialized(
            repository: raw.displayURL, encryption: "aes-256-gcm", compression: compression.description,
            keyID: file.id)
    }

    /// One key as `qsnap key list` shows it.
    public struct KeySummary: Sendable, Codable, Equatable {
        public var id: String
        public var created: String
        public var host: String
        public var current: Bool
    }

    /// The keys of an open encrypted repository; `current` marks the one its password opened.
    public static func list(_ repository: EncryptedRepository) async throws -> [KeySummary] {
        try await keyFiles(repository.inner, encryption: repository.config).map {
            KeySummary(id: $0.id, created: $0.created, host: $0.host, current: $0.id == repository.keyID)
        }
    }

    /// Wraps the master key under a new password as a new key file.
    public static func add(to repository: EncryptedRepository, password: String) async throws -> KeySummary {
        guard !password.isEmpty else {
            throw QSnapError(
                .keyPasswordMissing,
                "the new password is empty: give it with QSNAP_NEW_PASSWORD, --new-password-file or --new-password-command"
            )
        }
        let file = try KeyFile.wrap(
            repository.secrets, password: password, created: now(),
            host: ProcessInfo.processInfo.hostName)
        try await repository.inner.put(key: repository.config.keys + file.id + ".json", bytes: file.bytes)
        return KeySummary(id: file.id, created: file.created, host: file.host, current: false)
    }

    /// Removes key `id` (not the one in use: open the repository with another key's password to remove it).
    /// - Throws: `usage("key.not-found")`, `refused("key.in-use")`.
    public static func remove(_ id: String, from repository: EncryptedRepository) async throws {
        guard KeyFile.isValidID(id), try await repository.inner.head(key: repository.config.keys + id + ".json") != nil
        else {
            throw QSnapError(
                .keyNotFound, "\(repository.displayURL) has no key \(id.prefix(40)); see qsnap key list")
        }
        guard id != repository.keyID else {
            throw QSnapError(
                .keyInUse,
                "key \(id) is the one this password opened: open the repository with another key's password to remove it (a repository keeps at least one key)"
            )
        }
        try await repository.inner.delete(keys: [repository.config.keys + id + ".json"])
    }

    private static func now() -> String { ISO8601DateFormatter().string(from: Date()) }
}
