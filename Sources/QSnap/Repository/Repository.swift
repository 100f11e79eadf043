import QSnapCore

/// A place backups are stored: a local directory (the embedded default) or an S3 bucket and prefix.
///
/// Keys are relative to the repository root (`backups/<id>/…`). Implementations make whole-object writes
/// atomic: an object is either absent or complete — a reader never sees a partial object under its final key.
public protocol Repository: Sendable {
    /// A display form of the repository (`/var/backups/qdrant`, `s3://bucket/prefix`); never holds secrets.
    var displayURL: String { get }

    /// Writes `key` from the bytes `produce` writes through the writer it is given; nothing is visible under `key`
    /// before this returns, and nothing is left behind (no partial object, no orphan upload) when it throws.
    /// - Parameters:
    ///   - key: the object key.
    ///   - expectedSize: the size when known (S3 sizes its parts by it).
    ///   - produce: writes the bytes, in order.
    /// - Returns: the stored object.
    func write(
        key: String, expectedSize: Int64?, _ produce: (any RepositoryObjectWriter) async throws -> Void
    ) async throws -> RepositoryObject

    /// Stores a small object atomically (manifests, journals).
    func put(key: String, bytes: [UInt8]) async throws

    /// Streams an object's bytes to `onBody`, in this task (the read waits while `onBody` works); returns the byte
    /// count. Cancelling the task stops the read.
    @discardableResult
    func get(key: String, onBody: ([UInt8]) async throws -> Void) async throws -> Int64

    /// The object's size and ETag, or `nil` when it does not exist.
    func head(key: String) async throws -> RepositoryObject?

    /// Every object below `prefix` (recursive).
    func list(prefix: String) async throws -> [RepositoryObject]

    /// Deletes objects (missing ones are ignored).
    func delete(keys: [String]) async throws

    /// Unfinished writes below `prefix` (S3 multipart uploads, local temporary files), as display strings.
    func incompleteUploads(prefix: String) async throws -> [String]

    /// Discards every unfinished write below `prefix`; returns how many.
    @discardableResult
    func abortIncompleteUploads(prefix: String) async throws -> Int

    /// How new objects are stored (encryption, storage class, tags), recorded in manifests; `nil`: defaults.
    var objectSettings: ObjectStorageSettings? { get }

    /// The directory holding a local repository's objects (`<root>/<key>`), `nil` for a remote store.
    var localRoot: String? { get }

    /// A URL from which anyone holding it can GET `key` for `expires` seconds, or `nil` when the store cannot make
    /// one (a directory, an encrypted repository: its stored bytes are ciphertext). Treat the URL as a secret.
    func presignedURL(key: String, expires: Int) async throws -> String?
}

/// The writer ``Repository/write(key:expectedSize:_:)`` hands its producer. One producer task.
public protocol RepositoryObjectWriter: AnyObject {
    /// Appends bytes; may wait while earlier parts upload (bounded memory).
    func write(_ bytes: [UInt8]) async throws
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

    /// Not a local directory.
    public var localRoot: String? { nil }

    /// No presigned URLs.
    public func presignedURL(key: String, expires: Int) async throws -> String? { nil }

    /// Reads a whole small object (refusing objects above `limit` bytes).
    public func getAll(key: String, limit: Int = 64 << 20) async throws -> [UInt8] {
        var out: [UInt8] = []
        try await get(key: key) { chunk in
            out.append(contentsOf: chunk)
            if out.count > limit {
                throw QSnapError(.repoOversized, "\(displayURL)/\(key) is larger than \(limit) bytes")
            }
        }
        return out
    }
}
