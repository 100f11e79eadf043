import QSnapCore

/// A place backups are stored: a local directory (the embedded default) or an S3 bucket and prefix.
///
/// Keys are relative to the repository root (`backups/<id>/…`). Implementations make whole-object writes
/// atomic: an object is either absent or complete — a reader never sees a partial object under its final key.
public protocol Repository: Sendable {
    /// A display form of the repository (`/var/backups/qdrant`, `s3://bucket/prefix`); never holds secrets.
    var displayURL: String { get }

    /// Starts a streaming write of `key`; nothing is visible under `key` before ``RepositoryObjectWriter/finish()``.
    func makeWriter(key: String, expectedSize: Int64?) throws -> any RepositoryObjectWriter

    /// Stores a small object atomically (manifests, journals).
    func put(key: String, bytes: [UInt8]) throws

    /// Streams an object's bytes; returns the byte count.
    /// - Parameter cancellation: when raised, the read stops within about a second (an S3 GET even while stalled)
    ///   and throws `failure("cancelled")`.
    @discardableResult
    func get(key: String, cancellation: CancellationFlag?, onBody: (UnsafeRawBufferPointer) throws -> Void) throws
        -> Int64

    /// The object's size and ETag, or `nil` when it does not exist.
    func head(key: String) throws -> RepositoryObject?

    /// Every object below `prefix` (recursive).
    func list(prefix: String) throws -> [RepositoryObject]

    /// Deletes objects (missing ones are ignored).
    func delete(keys: [String]) throws

    /// Unfinished writes below `prefix` (S3 multipart uploads, local temporary files), as display strings.
    func incompleteUploads(prefix: String) throws -> [String]

    /// Discards every unfinished write below `prefix`; returns how many.
    @discardableResult
    func abortIncompleteUploads(prefix: String) throws -> Int

    /// How new objects are stored (encryption, storage class, tags), recorded in manifests; `nil`: defaults.
    var objectSettings: ObjectStorageSettings? { get }
}

/// A streaming write started by ``Repository/makeWriter(key:expectedSize:)``. One producer thread.
public protocol RepositoryObjectWriter: AnyObject {
    /// Appends bytes; may block while earlier parts upload (bounded memory).
    func write(_ bytes: UnsafeRawBufferPointer) throws
    /// Makes the object visible under its key; returns its final size and ETag.
    func finish() throws -> RepositoryObject
    /// Discards everything written (no partial object, no orphan upload).
    func abort()
}

/// An object in a repository.
public struct RepositoryObject: Sendable, Equatable {
    public var key: String
    /// The object's size as the caller wrote or reads it (the plaintext in an encrypted repository).
    public var size: Int64
    public var etag: String
    /// The bytes the store holds when they differ from ``size`` (an encrypted repository's writer), else `nil`.
    public var storedSize: Int64?

    public init(key: String, size: Int64, etag: String, storedSize: Int64? = nil) {
        self.key = key
        self.size = size
        self.etag = etag
        self.storedSize = storedSize
    }
}

extension Repository {
    /// Defaults: nothing to record.
    public var objectSettings: ObjectStorageSettings? { nil }

    /// Streams an object's bytes, with no way to stop it but `onBody` throwing; returns the byte count.
    @discardableResult
    public func get(key: String, onBody: (UnsafeRawBufferPointer) throws -> Void) throws -> Int64 {
        try get(key: key, cancellation: nil, onBody: onBody)
    }

    /// Reads a whole small object (refusing objects above `limit` bytes).
    public func getAll(key: String, limit: Int = 64 << 20) throws -> [UInt8] {
        var out: [UInt8] = []
        try get(key: key) { chunk in
            out.append(contentsOf: chunk)
            if out.count > limit {
                throw QSnapError(.failure("repo.oversized"), "\(displayURL)/\(key) is larger than \(limit) bytes")
            }
        }
        return out
    }
}
