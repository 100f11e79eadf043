import Foundation
import HTTP
import QSnapCore

extension S3Client {
    /// CreateMultipartUpload, declaring the part checksum (by default the configuration's: SHA-256 with signed
    /// payloads, else CRC-32), with the configuration's encryption, storage class and tags. - Returns: the upload id.
    public func createMultipartUpload(key: String, contentType: String? = nil, checksum: S3ChecksumAlgorithm? = nil)
        async
        throws -> String
    {
        let declared = effectiveChecksum(checksum ?? configuration.checksumAlgorithm)
        do {
            return try await startMultipartUpload(key: key, contentType: contentType, declared: declared, role: .data)
        } catch  where fallBackIfChecksumRejected(error, sentChecksum: declared) {
            return try await startMultipartUpload(key: key, contentType: contentType, declared: nil, role: .data)
        }
    }

    /// CreateMultipartUpload declaring exactly `declared` (none when `nil`), with the settings of `role`.
    func startMultipartUpload(
        key: String, contentType: String?, declared: S3ChecksumAlgorithm?,
        role: ObjectStorageSettings.ObjectRole
    ) async throws -> String {
        var call = Call(method: "POST", key: key, query: [("uploads", "")])
        if let declared { call.headers = [("x-amz-checksum-algorithm", declared.rawValue)] }
        if let contentType { call.headers.append(("Content-Type", contentType)) }
        call.headers += configuration.objectSettings.headers(for: role)
        let response = try await execute(call)
        guard let id = S3XMLElement.parse(response.body)?.string("UploadId"), !id.isEmpty else {
            throw S3Error(
                .protocol, "S3 answered CreateMultipartUpload for \(displayName(key)) without an UploadId"
            )
        }
        return id
    }

    /// UploadPart: one part, carrying the checksum the upload declared, its body signed with its SHA-256 or sent as
    /// `UNSIGNED-PAYLOAD` as `digests` say (see ``S3Payload/digests(signed:checksum:md5:)``).
    /// - Returns: the part record (ETag, size, checksum) for ``completeMultipartUpload(key:uploadID:parts:)``.
    func uploadPart(
        key: String, uploadID: String, partNumber: Int, payload: S3Payload, digests given: S3Payload.Digests,
        checksum declared: S3ChecksumAlgorithm?
    ) async throws -> S3Part {
        guard (1...10_000).contains(partNumber) else {
            throw S3Error(.partNumber, "part number \(partNumber) is outside 1…10000")
        }
        var digests = given
        while true {
            let checksum = effectiveChecksum(declared)
            let lockNeedsDigest = checksum == nil && configuration.objectSettings.objectLock != nil
            if (sendsContentMD5 || lockNeedsDigest) && digests.md5Base64 == nil {
                digests = try payload.digests(signed: configuration.signsPayload, checksum: checksum, md5: true)
            }
            var call = Call(
                method: "PUT", key: key, query: [("partNumber", String(partNumber)), ("uploadId", uploadID)],
                payloadHash: digests.payloadHash)
            call.headers = uploadHeaders(digests, checksum: checksum)
            let response: HTTPResponse
            do {
                response = try await execute(call, body: { payload.httpBody })
            } catch  where fallBackIfChecksumRejected(error, sentChecksum: checksum) {
                continue
            }
            guard let etag = response.header("ETag") else {
                throw S3Error(
                    .protocol,
                    "S3 answered UploadPart \(partNumber) of \(displayName(key)) without an ETag")
            }
            return S3Part(
                partNumber: partNumber, etag: S3ObjectInfo.unquote(etag), size: payload.length, algorithm: checksum,
                digests: digests)
        }
    }

    /// CompleteMultipartUpload with the parts in ascending order. A 200 answer whose body is an `<Error>` is an
    /// error (retried when S3 says so).
    /// - Returns: the object's ETag.
    @discardableResult
    public func completeMultipartUpload(key: String, uploadID: String, parts: [S3Part]) async throws -> String {
        var xml =
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><CompleteMultipartUpload xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
        for part in parts.sorted(by: { $0.partNumber < $1.partNumber }) {
            xml += "<Part><PartNumber>\(part.partNumber)</PartNumber><ETag>\"\(S3XMLElement.escape(part.etag))\"</ETag>"
            if let sum = part.checksumSHA256 { xml += "<ChecksumSHA256>\(sum)</ChecksumSHA256>" }
            if let sum = part.checksumCRC32 { xml += "<ChecksumCRC32>\(sum)</ChecksumCRC32>" }
            if let sum = part.checksumCRC32C { xml += "<ChecksumCRC32C>\(sum)</ChecksumCRC32C>" }
            xml += "</Part>"
        }
        xml += "</CompleteMultipartUpload>"
        let body = Array(xml.utf8)
        var call = Call(method: "POST", key: key, query: [("uploadId", uploadID)], payloadHash: Digest.sha256Hex(body))
        call.headers = [("Content-Type", "application/xml")]
        call.errorIn200 = true
        let response = try await execute(call, body: { .bytes(body) })
        let root = S3XMLElement.parse(response.body)
        return S3ObjectInfo.unquote(root?.string("ETag") ?? response.header("ETag") ?? "")
    }

    /// AbortMultipartUpload; an upload that no longer exists counts as aborted.
    public func abortMultipartUpload(key: String, uploadID: String) async throws {
        do {
            _ = try await execute(Call(method: "DELETE", key: key, query: [("uploadId", uploadID)]))
        } catch let error as S3Error where error.code == .noSuchUpload {
            return
        }
    }

    /// ListParts, every page.
    public func listParts(key: String, uploadID: String) async throws -> [S3Part] {
        var parts: [S3Part] = []
        var marker: String?
        repeat {
            var query: [(name: String, value: String)] = [("uploadId", uploadID)]
            if let marker { query.append(("part-number-marker", marker)) }
            let response = try await execute(Call(method: "GET", key: key, query: query))
            guard let root = S3XMLElement.parse(response.body) else {
                throw S3Error(
                    .protocol, "S3 answered ListParts for \(displayName(key)) with an unreadable document"
                )
            }
            for p in root.all("Part") {
                guard let n = Int(p.string("PartNumber") ?? "") else { continue }
                parts.append(
                    S3Part(
                        partNumber: n, etag: S3ObjectInfo.unquote(p.string("ETag") ?? ""),
                        size: Int64(p.string("Size") ?? "") ?? -1, checksumSHA256: p.string("ChecksumSHA256"),
                        checksumCRC32: p.string("ChecksumCRC32"), checksumCRC32C: p.string("ChecksumCRC32C")))
            }
            let next = root.string("NextPartNumberMarker")
            marker = root.string("IsTruncated") == "true" && next != nil && next != marker ? next : nil
        } while marker != nil
        return parts.sorted { $0.partNumber < $1.partNumber }
    }

    /// ListMultipartUploads for keys starting with `prefix`, every page (oldest first per key).
    public func listMultipartUploads(prefix: String) async throws -> [S3MultipartUploadInfo] {
        var uploads: [S3MultipartUploadInfo] = []
        var keyMarker: String?
        var idMarker: String?
        repeat {
            var query: [(name: String, value: String)] = [("uploads", ""), ("prefix", prefix)]
            if let keyMarker { query.append(("key-marker", keyMarker)) }
            if let idMarker { query.append(("upload-id-marker", idMarker)) }
            let response = try await execute(Call(method: "GET", key: nil, query: query))
            guard let root = S3XMLElement.parse(response.body) else {
                throw S3Error(
                    .protocol, "S3 answered ListMultipartUploads with an unreadable document")
            }
            for u in root.all("Upload") {
                uploads.append(
                    S3MultipartUploadInfo(
                        key: u.string("Key") ?? "", uploadID: u.string("UploadId") ?? "",
                        initiated: u.string("Initiated") ?? ""))
            }
            if root.string("IsTruncated") == "true", let k = root.string("NextKeyMarker"), !k.isEmpty,
                k != keyMarker || root.string("NextUploadIdMarker") != idMarker
            {
                keyMarker = k
                idMarker = root.string("NextUploadIdMarker")
            } else {
                keyMarker = nil
            }
        } while keyMarker != nil
        return uploads
    }
}
