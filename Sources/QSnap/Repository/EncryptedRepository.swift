import Foundation
import QSnapCore

/// An encrypted repository: wraps the store (a directory or S3) and encrypts every object on the way in and
/// decrypts it on the way out, streaming (``ObjectEncryptor``, ``ObjectDecryptor``), so the store sees no plaintext.
///
/// Keys stay as they are. What is needed to open the repository stays plain: `qsnap-repository.json`, the wrapped
/// key files (`keys/`) and the repository lock (`locks/`, host and pid only). Everything else — snapshot objects,
/// manifests, progress and verification journals, deletion markers — is encrypted, bound to its key.
public struct EncryptedRepository: Repository {
    /// The store underneath.
    public let inner: any Repository
    /// The open config.
    public let config: RepositoryConfig.Encryption
    /// The id of the key file the password opened.
    public let keyID: String
    let secrets: RepositorySecrets

    /// Wraps `inner` with unwrapped `secrets`.
    public init(inner: any Repository, config: RepositoryConfig.Encryption, keyID: String, secrets: RepositorySecrets) {
        self.inner = inner
        self.config = config
        self.keyID = keyID
        self.secrets = secrets
    }

    /// The compression setting new objects are written with.
    public var compression: ObjectCompression { secrets.compression }

    public var displayURL: String { inner.displayURL }

    /// Whether `key` is stored in plain text (needed to open the repository, or the lock).
    public func isPlain(_ key: String) -> Bool {
        key == BackupLayout.marker || key.hasPrefix(config.keys) || key.hasPrefix("locks/")
    }

    public func write(
        key: String, expectedSize: Int64?, _ produce: (any RepositoryObjectWriter) async throws -> Void
    ) async throws -> RepositoryObject {
        if isPlain(key) { return try await inner.write(key: key, expectedSize: expectedSize, produce) }
        let encryptor = ObjectEncryptor(
            master: secrets.masterKey, identity: key, compression: secrets.compression,
            chunkSize: config.chunkSize)
        // An upper bound of the stored size (zstd may expand incompressible data a little; frames add 32 bytes per
        // chunk): S3 sizes its parts by it.
        let bound = expectedSize.map { $0 + $0 / 64 + Int64(($0 / Int64(config.chunkSize) + 2) * 32) + 4096 }
        let stored = try await inner.write(key: key, expectedSize: bound) { sink in
            try await produce(EncryptingObjectWriter(sink: sink, encryptor: encryptor))
            var sealed: [[UInt8]] = []
            try encryptor.finish { sealed.append(Array($0)) }
            for chunk in sealed { try await sink.write(chunk) }
        }
        return RepositoryObject(key: key, size: encryptor.plaintextBytes, etag: stored.etag, storedSize: stored.size)
    }

    public func put(key: String, bytes: [UInt8]) async throws {
        if isPlain(key) { return try await inner.put(key: key, bytes: bytes) }
        try await inner.put(
            key: key,
            bytes: ObjectEncryptor.seal(
                bytes, master: secrets.masterKey, identity: key,
                compression: secrets.compression))
    }

    @discardableResult
    public func get(key: String, onBody: ([UInt8]) async throws -> Void) async throws -> Int64 {
        if isPlain(key) { return try await inner.get(key: key, onBody: onBody) }
        let decryptor = ObjectDecryptor(
            master: secrets.masterKey, identity: key, label: key, chunkSize: config.chunkSize)
        try await inner.get(key: key) { stored in
            var plain: [[UInt8]] = []
            try stored.withUnsafeBytes { try decryptor.push($0) { plain.append(Array($0)) } }
            for chunk in plain { try await onBody(chunk) }
        }
        try decryptor.finish()
        return decryptor.plaintextBytes
    }

    /// The stored object (its size is the stored size; ``BackupManifest/Object/expectedStoredSize`` compares).
    public func head(key: String) async throws -> RepositoryObject? { try await inner.head(key: key) }

    public func list(prefix: String) async throws -> [RepositoryObject] { try await inner.list(prefix: prefix) }

    public func delete(keys: [String]) async throws { try await inner.delete(keys: keys) }

    public func incompleteUploads(prefix: String) async throws -> [String] {
        try await inner.incompleteUploads(prefix: prefix)
    }

    @discardableResult
    public func abortIncompleteUploads(prefix: String) async throws -> Int {
        try await inner.abortIncompleteUploads(prefix: prefix)
    }
}

/// Compresses and encrypts one object into the store's writer (S3: parallel multipart parts of the stored bytes).
final class EncryptingObjectWriter: RepositoryObjectWriter {
    private let sink: any RepositoryObjectWriter
    private let encryptor: ObjectEncryptor

    init(sink: any RepositoryObjectWriter, encryptor: ObjectEncryptor) {
        self.sink = sink
        self.encryptor = encryptor
    }

    func write(_ bytes: [UInt8]) async throws {
        var sealed: [[UInt8]] = []
        try bytes.withUnsafeBytes { plain in try encryptor.write(plain) { sealed.append(Array($0)) } }
        for chunk in sealed { try await sink.write(chunk) }
    }
}
