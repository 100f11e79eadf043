/// A condition on a PutObject (S3 conditional writes): the write happens only if it holds, else S3 answers
/// `412 PreconditionFailed` (or `409 ConditionalRequestConflict` when another conditional write raced it).
public enum S3WriteCondition: Sendable, Hashable {
    /// `If-None-Match: *`: create only; fails when the key exists.
    case ifNoneMatch
    /// `If-Match: "<etag>"`: replace only the version with this ETag; fails when it changed or is gone.
    case ifMatch(String)
}
