import Foundation
import HTTP
import QSnapCore

extension S3Client {
    /// The result of an upload.
    public struct UploadResult: Sendable, Hashable {
        /// The ETag (no quotes).
        public var etag: String
        /// Bytes stored.
        public var size: Int64
        /// The multipart upload id, `nil` for a single PutObject.
        public var uploadID: String?
        /// The number of parts (1 for a single PutObject).
        public var partCount: Int
        /// Parts a resumed upload found already stored and did not send again.
        public var reusedParts = 0
    }

    /// The checksum headers of an upload request: the declared algorithm's `x-amz-checksum-*` (and `Content-MD5`).
    func uploadHeaders(_ digests: S3Payload.Digests, checksum: S3ChecksumAlgorithm?) -> [(name: String, value: String)]
    {
        var headers: [(name: String, value: String)] = []
        if let checksum {
            let sum: String?
            switch checksum {
            case .sha256: sum = digests.sha256Base64
            case .crc32: sum = digests.crc32Base64
            case .crc32c: sum = digests.crc32cBase64
            }
            if let sum { headers.append((checksum.headerName, sum)) }
            headers.append(("x-amz-sdk-checksum-algorithm", checksum.rawValue))
        }
        if let md5 = digests.md5Base64 { headers.append(("Content-MD5", md5)) }
        return headers
    }

    /// PutObject: uploads `payload` in one request. With signed payloads (see ``S3PayloadSigning``) the body is
    /// signed with its SHA-256; the store checks the flexible checksum of ``S3Configuration/checksumChoice``
    /// (by default `x-amz-checksum-sha256` with signed bodies, `x-amz-checksum-crc32` with `UNSIGNED-PAYLOAD`), or
    /// `Content-MD5` (`--checksum md5`, or once the store rejected flexible checksums: the request is then sent again).
    /// The configuration's ``S3Configuration/objectSettings`` are applied as `role` says (see
    /// ``QSnapCore/ObjectStorageSettings/ObjectRole``); a retention always goes with a checksum header, as Object
    /// Lock requires (`Content-MD5` when no flexible checksum is sent).
    /// - Returns: the ETag and size.
    @discardableResult
    public func putObject(
        key: String, payload: S3Payload, contentType: String? = nil, role: ObjectStorageSettings.ObjectRole = .data,
        condition: S3WriteCondition? = nil
    ) async throws -> UploadResult {
        while true {
            let checksum = effectiveChecksum(configuration.checksumAlgorithm)
            do {
                return try await putObject(
                    key: key, payload: payload, contentType: contentType, role: role, condition: condition,
                    checksum: checksum)
            } catch  where fallBackIfChecksumRejected(error, sentChecksum: checksum) {
                continue
            }
        }
    }

    private func putObject(
        key: String, payload: S3Payload, contentType: String?, role: ObjectStorageSettings.ObjectRole,
        condition: S3WriteCondition?, checksum: S3ChecksumAlgorithm?
    ) async throws -> UploadResult {
        let lockNeedsDigest = checksum == nil && role != .control && configuration.objectSettings.objectLock != nil
        let digests = try payload.digests(
            signed: configuration.signsPayload, checksum: checksum, md5: sendsContentMD5 || lockNeedsDigest)
        var call = Call(method: "PUT", key: key, payloadHash: digests.payloadHash)
        call.headers = uploadHeaders(digests, checksum: checksum)
        if let contentType { call.headers.append(("Content-Type", contentType)) }
        call.headers += configuration.objectSettings.headers(for: role)
        switch condition {
        case .ifNoneMatch: call.headers.append(("If-None-Match", "*"))
        case .ifMatch(let etag): call.headers.append(("If-Match", "\"\(etag)\""))
        case nil: break
        }
        let response = try await execute(call, body: { payload.httpBody })
        return UploadResult(
            etag: S3ObjectInfo.unquote(response.header("ETag") ?? ""), size: payload.length, uploadID: nil, partCount: 1
        )
    }

    /// HeadObject. - Returns: the object's size and ETag, or `nil` when it does not exist.
    public func headObject(key: String) async throws -> S3ObjectInfo? {
        let response: HTTPResponse
        do {
            response = try await execute(Call(method: "HEAD", key: key))
        } catch let error as S3Error where error.code == .notFound {
            return nil
        }
        return S3ObjectInfo(
            key: key, size: Int64(response.header("Content-Length") ?? "") ?? 0,
            etag: S3ObjectInfo.unquote(response.header("ETag") ?? ""),
            lastModified: response.header("Last-Modified") ?? "")
    }

    /// GetObject, streamed: `onBody` receives the bytes in order. A connection lost mid-body is resumed with a
    /// `Range` request from the next byte (guarded by `If-Match` on the ETag), within the retry policy.
    /// - Parameters:
    ///   - key: the object key.
    ///   - range: an inclusive byte range, or `nil` for the whole object.
    ///   - onBody: receives the data, in this task (the transfer waits while it works).
    ///
    /// Cancelling the task stops the GET at once, even while stalled (`CancellationError`); nothing is resumed or
    /// retried after that.
    /// - Returns: the object's ETag and the number of bytes delivered (in `size`).
    @discardableResult
    public func getObject(
        key: String, range: ClosedRange<Int64>? = nil,
        onBody: ([UInt8]) async throws -> Void
    ) async throws -> S3ObjectInfo {
        var delivered: Int64 = 0
        var etag: String?
        var lastModified = ""
        var resumes = 0
        while true {
            var call = Call(method: "GET", key: key)
            let start = (range?.lowerBound ?? 0) + delivered
            if range != nil || delivered > 0 {
                call.headers.append(("Range", "bytes=\(start)-\(range.map { String($0.upperBound) } ?? "")"))
            }
            if let etag { call.headers.append(("If-Match", "\"\(etag)\"")) }
            do {
                let response = try await withoutActuallyEscaping(onBody) { sink in
                    try await execute(
                        call,
                        onBody: { chunk in
                            delivered += Int64(chunk.count)
                            try await sink(chunk)
                        })
                }
                if etag == nil { etag = S3ObjectInfo.unquote(response.header("ETag") ?? "") }
                lastModified = response.header("Last-Modified") ?? lastModified
                return S3ObjectInfo(key: key, size: delivered, etag: etag ?? "", lastModified: lastModified)
            } catch let error as HTTPError where error.isRetriableTransportFailure && delivered > 0 {
                resumes += 1
                guard configuration.retryPolicy.shouldRetry(afterAttempt: resumes)
                else { throw error }
                if etag == nil { etag = try await headObject(key: key)?.etag }
                logger.debug("S3 GET \(displayName(key)) interrupted after \(delivered) bytes; resuming")
                try await Task.sleep(for: .seconds(configuration.retryPolicy.delay(forAttempt: resumes)))
            }
        }
    }

    /// DeleteObject (succeeds when the object does not exist).
    public func deleteObject(key: String) async throws {
        _ = try await execute(Call(method: "DELETE", key: key))
    }

    /// DeleteObjects in batches of 1 000.
    /// - Throws: a failure listing the keys S3 could not delete.
    public func deleteObjects(keys: [String]) async throws {
        var failures: [String] = []
        for start in stride(from: 0, to: keys.count, by: 1000) {
            let batch = keys[start..<min(start + 1000, keys.count)]
            var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Delete><Quiet>true</Quiet>"
            for key in batch { xml += "<Object><Key>\(S3XMLElement.escape(key))</Key></Object>" }
            xml += "</Delete>"
            let body = Array(xml.utf8)
            let payload = S3Payload.bytes(body)
            let digests = try payload.digests(sha256: true, crc32: false, md5: true)
            var call = Call(method: "POST", key: nil, query: [("delete", "")], payloadHash: digests.payloadHash)
            call.headers = [("Content-MD5", digests.md5Base64 ?? ""), ("Content-Type", "application/xml")]
            let response = try await execute(call, body: { .bytes(body) })
            for error in S3XMLElement.parse(response.body)?.all("Error") ?? [] {
                failures.append(
                    "\(error.string("Key") ?? "?"): \(error.string("Code") ?? "") \(error.string("Message") ?? "")")
            }
        }
        if !failures.isEmpty {
            throw S3Error(
                .delete,
                "S3 could not delete \(failures.count) object(s) in \(displayName(nil)): "
                    + failures.prefix(5).joined(separator: "; "))
        }
    }

    /// ListObjectsV2, every page.
    /// - Parameters:
    ///   - prefix: only keys starting with it.
    ///   - delimiter: e.g. `/` to group; common prefixes are returned in the second element.
    /// - Returns: the objects and the common prefixes.
    public func listObjectsV2(prefix: String, delimiter: String? = nil) async throws -> (
        objects: [S3ObjectInfo], commonPrefixes: [String]
    ) {
        var objects: [S3ObjectInfo] = []
        var prefixes: [String] = []
        var token: String?
        repeat {
            var query: [(name: String, value: String)] = [("list-type", "2"), ("prefix", prefix)]
            if let delimiter { query.append(("delimiter", delimiter)) }
            if let token { query.append(("continuation-token", token)) }
            let response = try await execute(Call(method: "GET", key: nil, query: query))
            guard let root = S3XMLElement.parse(response.body), root.name == "ListBucketResult" else {
                throw S3Error(
                    .protocol,
                    "S3 answered ListObjectsV2 on \(displayName(nil)) with an unreadable document")
            }
            for c in root.all("Contents") {
                objects.append(
                    S3ObjectInfo(
                        key: c.string("Key") ?? "", size: Int64(c.string("Size") ?? "") ?? 0,
                        etag: S3ObjectInfo.unquote(c.string("ETag") ?? ""), lastModified: c.string("LastModified") ?? ""
                    ))
            }
            prefixes += root.all("CommonPrefixes").compactMap { $0.string("Prefix") }
            token = root.string("IsTruncated") == "true" ? root.string("NextContinuationToken") : nil
        } while token != nil
        return (objects, prefixes)
    }

    /// A presigned GET URL for `key`, valid for `expires` seconds (1…604800). Treat the URL as a secret.
    ///
    /// With temporary credentials the URL stops working when they expire, whatever `expires` says.
    public func presignGET(key: String, expires: Int) async throws -> String {
        guard (1...SigV4Signer.maximumPresignExpiry).contains(expires) else {
            throw S3Error(
                .presignExpiry,
                "a presigned URL must expire within 1 to 604800 seconds (7 days), not \(expires)")
        }
        let path = encodedPath(key)
        let request = SigV4Request(
            method: "GET", encodedPath: path, headers: [("host", host)], payloadHash: SigV4Signer.unsignedPayload)
        let signature = try await signer().presign(request, at: signingTime(), expires: expires)
        return url(path: path, query: signature.presignedQuery)
    }
}
