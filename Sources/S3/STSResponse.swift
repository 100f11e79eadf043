import QSnapCore

/// Parses answers of AWS STS (`AssumeRole`, `AssumeRoleWithWebIdentity`). Pure.
public enum STSResponse {
    /// An STS error answer.
    public struct Failure: Error, Sendable, Hashable {
        /// The HTTP status.
        public var status: Int
        /// The error code (`AccessDenied`, `InvalidIdentityToken`, …), empty when absent.
        public var code: String
        /// The error message.
        public var message: String

        /// Whether trying again may help (`IDPCommunicationError`, throttling, 5xx).
        public var isRetriable: Bool {
            status >= 500
                || ["IDPCommunicationError", "Throttling", "ThrottlingException", "InvalidIdentityToken"]
                    .contains(code)
        }
    }

    /// Parses an answer to `action` received at `now` (seconds since 1970).
    /// - Returns: the credentials of a 200 answer.
    /// - Throws: ``Failure`` for an error answer; a `failure("s3.credentials")` for a 200 without credentials.
    public static func parse(status: Int, body: [UInt8], action: String, now: Int64) throws -> AWSTemporaryCredentials {
        let root = S3XMLElement.parse(body)
        guard status == 200 else {
            let error = root?.child("Error") ?? (root?.name == "Error" ? root : nil)
            throw Failure(
                status: status, code: error?.string("Code") ?? "", message: error?.string("Message") ?? "")
        }
        guard let root, root.name == "\(action)Response", let result = root.child("\(action)Result"),
            let credentials = result.child("Credentials"),
            let ak = credentials.string("AccessKeyId"), !ak.isEmpty,
            let sk = credentials.string("SecretAccessKey"), !sk.isEmpty
        else {
            throw S3Error(
                .credentialsUnavailable, "STS answered \(action) without Credentials (AccessKeyId, SecretAccessKey)")
        }
        let token = credentials.string("SessionToken").flatMap { $0.isEmpty ? nil : $0 }
        var expiration: Int64?
        if let text = credentials.string("Expiration"), !text.isEmpty {
            guard let parsed = AWSCredentialDocument.parseExpiration(text) else {
                throw S3Error(
                    .credentialsUnavailable, "STS answered \(action) with an unreadable Expiration '\(text)'")
            }
            expiration = parsed
        }
        return AWSTemporaryCredentials(
            credentials: SigV4Credentials(accessKeyID: ak, secretAccessKey: sk, sessionToken: token),
            expiration: expiration, obtainedAt: now)
    }

    /// The form body of a request: `Action=…&Version=2011-06-15&…`, values encoded for
    /// `application/x-www-form-urlencoded`.
    public static func formBody(action: String, parameters: [(String, String)]) -> String {
        ([("Action", action), ("Version", "2011-06-15")] + parameters)
            .map { "\(SigV4Encoding.encodeQuery($0.0))=\(SigV4Encoding.encodeQuery($0.1))" }
            .joined(separator: "&")
    }
}
