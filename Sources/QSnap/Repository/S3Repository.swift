import Foundation
import QSnapCore
import S3
import Synchronization

/// A repository under `s3://bucket/prefix`. Large objects go up as parallel multipart uploads with bounded memory;
/// small ones as a single PutObject. Both become visible atomically.
public struct S3Repository: Repository {
    public let client: S3Client
    /// The key prefix, without leading or trailing `/` (may be empty).
    public let prefix: String
    public let writerOptions: S3ObjectWriter.Options
    /// Whether the store honours conditional writes, once probed.
    private let conditionalWrites = ConditionalWriteSupport()

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

    public func write(
        key: String, expectedSize: Int64?, _ produce: (any RepositoryObjectWriter) async throws -> Void
    ) async throws -> RepositoryObject {
        var options = writerOptions
        options.expectedSize = expectedSize
        let result = try await S3ObjectWriter.upload(client: client, key: full(key), options: options) { writer in
            try await produce(S3RepositoryWriter(writer: writer))
        }
        return RepositoryObject(key: key, size: result.size, etag: result.etag)
    }

    public func presignedURL(key: String, expires: Int) async throws -> String? {
        try await client.presignGET(key: full(key), expires: expires)
    }

    public func put(key: String, bytes: [UInt8]) async throws {
        let isManifest = key.hasSuffix("/manifest.json") && BackupLayout.backupID(inKey: key) != nil
        _ = try await client.putObject(
            key: full(key), payload: .bytes(bytes), contentType: "application/json",
            role: isManifest ? .record : .control)
    }

    @discardableResult
    public func get(key: String, onBody: ([UInt8]) async throws -> Void) async throws -> Int64 {
        try await client.getObject(key: full(key), onBody: onBody).size
    }

    /// An object's bytes and ETag, `nil` when it does not exist.
    public func getWithETag(key: String) async throws -> (bytes: [UInt8], etag: String)? {
        var bytes: [UInt8] = []
        do {
            let info = try await client.getObject(key: full(key)) { bytes.append(contentsOf: $0) }
            return (bytes, info.etag)
        } catch let error as S3Error where error.code == .notFound {
            return nil
        }
    }

    /// A PutObject under `condition`; `false` when the condition does not hold (412, 409, or 404 for `If-Match`).
    public func putConditionally(key: String, bytes: [UInt8], condition: S3WriteCondition) async throws -> Bool {
        do {
            _ = try await client.putObject(
                key: full(key), payload: .bytes(bytes), contentType: "application/json", role: .control,
                condition: condition)
            return true
        } catch let error as S3Error where [.preconditionFailed, .conditionalConflict, .notFound].contains(error.code) {
            return false
        }
    }

    /// Whether the store honours `If-None-Match: *` and `If-Match` on PutObject, found out once per repository
    /// value by writing a probe object under `locks/`: a create must succeed, a second create and a replace with a
    /// wrong ETag must both be refused. A store that ignores the headers (it overwrites) or rejects them
    /// (`NotImplemented`, 400, 501) answers no. The probe is deleted afterwards.
    public func probeConditionalWrites() async throws -> Bool {
        if let known = conditionalWrites.withLock({ $0 }) { return known }
        let probe = "locks/conditional-write-probe-\(UUID().uuidString.lowercased()).json"
        let body = Array("{\"probe\":true}".utf8)
        let supported: Bool
        do {
            let created = try await putConditionally(key: probe, bytes: body, condition: .ifNoneMatch)
            let again = try await putConditionally(key: probe, bytes: body, condition: .ifNoneMatch)
            let wrongETag = try await putConditionally(
                key: probe, bytes: body, condition: .ifMatch("00000000000000000000000000000000"))
            supported = created && !again && !wrongETag
        } catch let error as S3Error where Self.meansUnsupported(error) {
            client.logger.debug("S3 conditional writes: not supported by the store (\(error.message))")
            supported = false
        } catch {
            try? await delete(keys: [probe])
            throw error
        }
        try? await delete(keys: [probe])
        client.logger.debug(
            "repository lock on \(displayURL): \(supported ? "conditional writes (If-None-Match / If-Match)" : "write, settle, read back (the store has no conditional writes)")"
        )
        conditionalWrites.withLock { $0 = supported }
        return supported
    }

    private static func meansUnsupported(_ error: S3Error) -> Bool {
        guard let failure = error.cause as? S3ServiceError else { return false }
        return failure.code == "NotImplemented" || failure.status == 501 || failure.status == 400
    }

    public func head(key: String) async throws -> RepositoryObject? {
        try await client.headObject(key: full(key)).map { RepositoryObject(key: key, size: $0.size, etag: $0.etag) }
    }

    public func list(prefix sub: String) async throws -> [RepositoryObject] {
        try await client.listObjectsV2(prefix: full(sub)).objects
            .map { RepositoryObject(key: relative($0.key), size: $0.size, etag: $0.etag) }
            .sorted { $0.key < $1.key }
    }

    public func delete(keys: [String]) async throws {
        guard !keys.isEmpty else { return }
        try await client.deleteObjects(keys: keys.map(full))
    }

    public func incompleteUploads(prefix sub: String) async throws -> [String] {
        try await uploads(sub).map { "\($0.key) (upload \($0.uploadID.prefix(12))…)" }
    }

    /// ListMultipartUploads; rclone answers 404 NoSuchUpload when there are none, which means an empty list.
    private func uploads(_ sub: String) async throws -> [S3MultipartUploadInfo] {
        do {
            return try await client.listMultipartUploads(prefix: full(sub))
        } catch let error as S3Error where error.code == .noSuchUpload {
            return []
        }
    }

    @discardableResult
    public func abortIncompleteUploads(prefix sub: String) async throws -> Int {
        let uploads = try await uploads(sub)
        for upload in uploads { try await client.abortMultipartUpload(key: upload.key, uploadID: upload.uploadID) }
        return uploads.count
    }
}

/// Adapts ``S3ObjectWriter`` to ``RepositoryObjectWriter``.
final class S3RepositoryWriter: RepositoryObjectWriter {
    private let writer: S3ObjectWriter

    init(writer: S3ObjectWriter) { self.writer = writer }

    func write(_ bytes: [UInt8]) async throws { try await writer.write(bytes) }
}

/// The cached answer of ``S3Repository/probeConditionalWrites()``, shared by copies of the repository value.
final class ConditionalWriteSupport: Sendable {
    private let value = Mutex<Bool?>(nil)
    func withLock<R>(_ body: (inout Bool?) -> R) -> R { value.withLock { body(&$0) } }
}
