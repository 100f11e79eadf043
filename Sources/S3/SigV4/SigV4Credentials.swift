import QSnapCore

/// AWS-style credentials used to sign requests with Signature Version 4.
///
/// `description` never reveals the secret or the session token.
public struct SigV4Credentials: Sendable, Hashable, CustomStringConvertible {
    /// The access key id (`AKIA…`); not secret, appears in the `Credential=` scope.
    public var accessKeyID: String
    /// The secret access key; never printed.
    public var secretAccessKey: String
    /// The session token of temporary credentials, if any; never printed.
    public var sessionToken: String?

    /// Creates credentials.
    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }

    /// The literal secrets, for a ``Redactor``.
    public var secrets: [String] { [secretAccessKey] + (sessionToken.map { [$0] } ?? []) }

    public var description: String {
        "SigV4Credentials(accessKeyID: \(accessKeyID), secretAccessKey: ***\(sessionToken == nil ? "" : ", sessionToken: ***"))"
    }
}
