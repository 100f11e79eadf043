import Foundation
import HTTP
import QSnapCore

extension S3Client {
    /// The most bytes one CopyObject may copy (S3's limit); larger objects are copied part by part.
    public static let maximumSingleCopySize: Int64 = 5 << 30

    /// Copies `source` (an object in any bucket the credentials can read on the same endpoint) to `key` in this
    /// client's bucket without the bytes leaving the store: one CopyObject up to `partSize` (at most 5 GiB), else a
    /// multipart upload of UploadPartCopy ranges of `partSize`. The copy gets this configuration's encryption, storage
    /// class, tags and Object Lock retention (as `role` says), like an upload. A store without UploadPartCopy (it
    /// answers `NotImplemented`) gets one CopyObject when the object is within 5 GiB.
    /// - Parameters:
    ///   - source: the object to copy.
    ///   - size: its size (from a HEAD), which decides single or multipart copy.
    ///   - key: the destination key in this bucket.
    ///   - partSize: the copy's part size; objects up to it are copied with one CopyObject.
    /// - Returns: the new object's ETag and size.
    @discardableResult
    public func copyObject(
        from source: S3ObjectReference, size: Int64, to key: String, partSize: Int64 = maximumSingleCopySize,
        role: ObjectStorageSettings.ObjectRole = .data
    ) async throws -> UploadResult {
        let part = min(max(partSize, S3PartSizing.minimumPartSize), Self.maximumSingleCopySize)
        if size <= part { return try await copyWhole(source, to: key, size: size, role: role) }
        do {
            return try await copyInParts(source, size: size, to: key, partSize: part, role: role)
        } catch let error as S3Error where Self.meansNoPartCopy(error) && size <= Self.maximumSingleCopySize {
            logger.notice("\(displayName(nil)) has no UploadPartCopy; copying \(source.display) with one CopyObject")
            return try await copyWhole(source, to: key, size: size, role: role)
        }
    }

    /// One CopyObject. A 200 answer carrying an `<Error>` is an error.
    private func copyWhole(
        _ source: S3ObjectReference, to key: String, size: Int64,
        role: ObjectStorageSettings.ObjectRole
    ) async throws -> UploadResult {
        var call = Call(method: "PUT", key: key)
        call.headers = [("x-amz-copy-source", source.copySourceHeader), ("x-amz-metadata-directive", "COPY")]
        call.headers += configuration.objectSettings.headers(for: role)
        if configuration.objectSettings.objectTags?.isEmpty == false {
            call.headers.append(("x-amz-tagging-directive", "REPLACE"))
        }
        call.errorIn200 = true
        let response = try await execute(call)
        guard let root = S3XMLElement.parse(response.body), root.name == "CopyObjectResult",
            let etag = root.string("ETag")
        else {
            throw S3Error(
                .protocol, "S3 answered CopyObject to \(displayName(key)) without a CopyObjectResult")
        }
        return UploadResult(etag: S3ObjectInfo.unquote(etag), size: size, uploadID: nil, partCount: 1)
    }

    /// CreateMultipartUpload (declaring no checksum: the parts are the store's own bytes), one UploadPartCopy per
    /// range, CompleteMultipartUpload; the upload is aborted on any failure.
    private func copyInParts(
        _ source: S3ObjectReference, size: Int64, to key: String, partSize: Int64,
        role: ObjectStorageSettings.ObjectRole
    ) async throws -> UploadResult {
        let part = S3PartSizing.partSize(configured: partSize, expectedSize: size)
        let uploadID = try await startMultipartUpload(key: key, contentType: nil, declared: nil, role: role)
        do {
            var parts: [S3Part] = []
            var offset: Int64 = 0
            while offset < size {
                try ProcessStop.check()
                let last = min(offset + part, size) - 1
                await parts.append(
                    try uploadPartCopy(
                        source, range: offset...last, to: key, uploadID: uploadID,
                        partNumber: parts.count + 1))
                offset = last + 1
            }
            let etag = try await completeMultipartUpload(key: key, uploadID: uploadID, parts: parts)
            return UploadResult(etag: etag, size: size, uploadID: uploadID, partCount: parts.count)
        } catch {
            try? await abortMultipartUpload(key: key, uploadID: uploadID)
            throw error
        }
    }

    /// UploadPartCopy of the inclusive byte `range` of `source`.
    func uploadPartCopy(
        _ source: S3ObjectReference, range: ClosedRange<Int64>, to key: String, uploadID: String,
        partNumber: Int
    ) async throws -> S3Part {
        var call = Call(method: "PUT", key: key, query: [("partNumber", String(partNumber)), ("uploadId", uploadID)])
        call.headers = [
            ("x-amz-copy-source", source.copySourceHeader),
            ("x-amz-copy-source-range", "bytes=\(range.lowerBound)-\(range.upperBound)"),
        ]
        call.errorIn200 = true
        let response = try await execute(call)
        guard let root = S3XMLElement.parse(response.body), root.name == "CopyPartResult",
            let etag = root.string("ETag")
        else {
            throw S3Error(
                .protocol,
                "S3 answered UploadPartCopy \(partNumber) of \(displayName(key)) without a CopyPartResult")
        }
        return S3Part(partNumber: partNumber, etag: S3ObjectInfo.unquote(etag), size: Int64(range.count))
    }

    /// True when the store does not implement UploadPartCopy (rclone's `serve s3`, some gateways).
    static func meansNoPartCopy(_ error: S3Error) -> Bool {
        guard let failure = error.cause as? S3ServiceError else { return false }
        return failure.code == "NotImplemented" || failure.code == "Unimplemented" || failure.status == 501
    }
}

extension S3Client {
    /// A client for another bucket of the same endpoint, with the same credentials and settings (e.g. to look at the
    /// objects Qdrant nodes write to their own snapshot bucket).
    public func sibling(bucket: String) throws -> S3Client {
        if bucket == configuration.bucket { return self }
        var other = configuration
        other.bucket = bucket
        return try S3Client(configuration: other, logger: logger)
    }
}
