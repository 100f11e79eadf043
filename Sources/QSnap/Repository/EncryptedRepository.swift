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

    public func makeWriter(key: String, expectedSize: Int64?) throws -> any RepositoryObjectWriter {
        if isPlain(key) { return try inner.makeWriter(key: key, expectedSize: expectedSize) }
        let encryptor = ObjectEncryptor(
            master: secrets.masterKey, identity: key, compression: secrets.compression,
            chunkSize: config.chunkSize)
        // An upper bound of the stored size (zstd may expand incompressible data a little; frames add 32 bytes per
        // chunk): S3 sizes its parts by it.
        let bound = expectedSize.map { $0 + $0 / 64 + Int64(($0 / Int64(config.chunkSize) + 2) * 32) + 4096 }
        return EncryptingObjectWriter(
            inner: try inner.makeWriter(key: key, expectedSize: bound), encryptor: encryptor,
            key: key)
    }

    public func put(key: String, bytes: [UInt8]) throws {
        if isPlain(key) { return try inner.put(key: key, bytes: bytes) }
        try inner.put(
            key: key,
            bytes: ObjectEncryptor.seal(
                bytes, master: secrets.masterKey, identity: key,
                compression: secrets.compression))
    }

    @discardableResult
    public func get(key: String, cancellation: CancellationFlag?, onBody: (UnsafeRawBufferPointer) throws -> Void)
        throws -> Int64
    {
        if isPlain(key) { return try inner.get(key: key, cancellation: cancellation, onBody: onBody) }
        let decryptor = ObjectDecryptor(
            master: secrets.masterKey, identity: key, label: key, chunkSize: config.chunkSize)
        try inner.get(key: key, cancellation: cancellation) { stored in try decryptor.push(stored, emit: onBody) }
        try decryptor.finish()
        return decryptor.plaintextBytes
    }

    /// The stored object (its size is the stored size; ``BackupManifest/Object/expectedStoredSize`` compares).
    public func head(key: String) throws -> RepositoryObject? { try inner.head(key: key) }

    public func list(prefix: String) throws -> [RepositoryObject] { try inner.list(prefix: prefix) }

    public func delete(keys: [String]) throws { try inner.delete(keys: keys) }

    public func incompleteUploads(prefix: String) throws -> [String] { try inner.incompleteUploads(prefix: prefix) }

    @discardableResult
    public func abortIncompleteUploads(prefix: String) throws -> Int {
        try inner.abortIncompleteUploads(prefix: prefix)
    }
}

/// Compresses and encrypts one object into the store's writer (S3: parallel multipart parts of the stored bytes).
final class EncryptingObjectWriter: RepositoryObjectWriter {
    private let inner: any RepositoryObjectWriter
    private let encryptor: ObjectEncryptor
    private let key: String

    init(inner: any RepositoryObjectWriter, encryptor: ObjectEncryptor, key: String) {
        self.inner = inner
        self.encryptor = encryptor
        self.key = key
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws {
        try encryptor.write(bytes) { try inner.write($0) }
    }

    /// The object with `size` = plaintext bytes and `storedSize` = the bytes the store holds.
    func finish() throws -> RepositoryObject {
        try encryptor.finish { try inner.write($0) }
        let stored = try inner.finish()
        return RepositoryObject(key: key, size: encryptor.plaintextBytes, etag: stored.etag, storedSize: stored.size)
    }

    func abort() { inner.abort() }
}
