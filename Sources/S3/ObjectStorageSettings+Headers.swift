import QSnapCore

extension ObjectStorageSettings {
    /// The request headers of PutObject and CreateMultipartUpload (never UploadPart) for an object of `role`:
    /// encryption and tags always; the storage class for data; Object Lock retention for data and manifests.
    public func headers(for role: ObjectRole) -> [(name: String, value: String)] {
        var headers: [(name: String, value: String)] = []
        if let encryption { headers.append(("x-amz-server-side-encryption", encryption.rawValue)) }
        if let kmsKeyID { headers.append(("x-amz-server-side-encryption-aws-kms-key-id", kmsKeyID)) }
        if let bucketKeyEnabled {
            headers.append(("x-amz-server-side-encryption-bucket-key-enabled", bucketKeyEnabled ? "true" : "false"))
        }
        if role == .data, let storageClass { headers.append(("x-amz-storage-class", storageClass)) }
        if role != .control, let lock = objectLock {
            headers.append(("x-amz-object-lock-mode", lock.mode.rawValue))
            headers.append(("x-amz-object-lock-retain-until-date", lock.retainUntil))
        }
        if let tags = objectTags, !tags.isEmpty {
            let value = tags.map { "\(SigV4Encoding.encodeQuery($0.key))=\(SigV4Encoding.encodeQuery($0.value))" }
                .joined(separator: "&")
            headers.append(("x-amz-tagging", value))
        }
        return headers
    }
}
