import Foundation
import QSnapCore
import S3

/// A repository under `s3://bucket/prefix`. Large objects go up as parallel multipart uploads with bounded memory;
/// small ones as a single PutObject. Both become visible atomically.
public struct S3Repository: Repository {
    public let client: S3Client
    /// The key prefix, without leading or trailing `/` (may be empty).
    public let prefix: String
    public let writerOptions: S3ObjectWriter.Options

    /// Creates a repository over a client for the bucket.
    public init(client: S3Client, prefix: String, writerOptions: S3ObjectWriter.Options = S3ObjectWriter.Options()) {
        self.client = client
        self.prefix = prefix.split(separator: "/").joined(separator: "/")
        self.writerOptions = writerOptions
    }

    public var objectSettings: ObjectStorageSettings? {
        client.configuration.objectSettings.isEmpty ? nil : client.configuration.objectSettings
    }

    public var displayURL: String {
        "s3://\(client.configuration.bucket)" + (prefix.isEmpty ? "" : "/\(prefix)")
    }

    func full(_ key: String) -> String { prefix.isEmpty ? key : prefix + "/" + key }

    func relative(_ key: String) -> String {
        prefix.isEmpty ? key : String(key.dropFirst(prefix.count + 1))
    }

    public func makeWriter(key: String, expectedSize: Int64?) throws -> any RepositoryObjectWriter {
        var options = writerOptions
        options.expectedSize = expectedSize
        return S3RepositoryWriter(writer: try S3ObjectWriter(client: client, key: full(key), options: options), key: key)
    }

    public func put(key: String, bytes: [UInt8]) throws {
        let isManifest = key.hasSuffix("/manifest.json") && BackupLayout.backupID(inKey: key) != nil
        _ = try client.putObject(
            key: full(key), payload: .bytes(bytes), contentType: "application/json",
            role: isManifest ? .record : .control)
    }

    @discardableResult
    public func get(key: String, cancellation: CancellationFlag?, onBody: (UnsafeRawBufferPointer) throws -> Void)
        throws -> Int64
    {
        try client.getObject(key: full(key), cancellation: cancellation, onBody: onBody).size
    }

    public func head(key: String) throws -> RepositoryObject? {
        try client.headObject(key: full(key)).map { RepositoryObject(key: key, size: $0.size, etag: $0.etag) }
    }

    public func list(prefix sub: String) throws -> [RepositoryObject] {
        try client.listObjectsV2(prefix: full(sub)).objects
            .map { RepositoryObject(key: relative($0.key), size: $0.size, etag: $0.etag) }
            .sorted { $0.key < $1.key }
    }

    public func delete(keys: [String]) throws {
        guard !keys.isEmpty else { return }
        try client.deleteObjects(keys: keys.map(full))
    }

    public func incompleteUploads(prefix sub: String) throws -> [String] {
        try uploads(sub).map { "\($0.key) (upload \($0.uploadID.prefix(12))…)" }
    }

    /// ListMultipartUploads; rclone answers 404 NoSuchUpload when there are none, which means an empty list.
    private func uploads(_ sub: String) throws -> [S3MultipartUploadInfo] {
        do {
            return try client.listMultipartUploads(prefix: full(sub))
        } catch let error as QSnapError where error.code.identifier == "s3.no-such-upload" {
            return []
        }
    }

    @discardableResult
    public func abortIncompleteUploads(prefix sub: String) throws -> Int {
        let uploads = try uploads(sub)
        for upload in uploads { try client.abortMultipartUpload(key: upload.key, uploadID: upload.uploadID) }
        return uploads.count
    }
}

/// Adapts ``S3ObjectWriter`` to ``RepositoryObjectWriter``.
final class S3RepositoryWriter: RepositoryObjectWriter {
    private let writer: S3ObjectWriter
    private let key: String

    init(writer: S3ObjectWriter, key: String) {
        self.writer = writer
        self.key = key
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws { try writer.write(bytes) }

    func finish() throws -> RepositoryObject {
        let result = try writer.finish()
        return RepositoryObject(key: key, size: result.size, etag: result.etag)
    }

    func abort() { writer.abort() }
}

