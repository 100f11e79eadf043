import Foundation
import QSnapCore

/// Parses the JSON credential documents of the container endpoint, the instance metadata service and
/// `credential_process`. Pure; error messages never echo the document (it holds secrets).
public enum AWSCredentialDocument {
    /// The format of a document.
    public enum Format: Sendable {
        /// ECS / EKS Pod Identity: `AccessKeyId`, `SecretAccessKey`, `Token`, `Expiration`.
        case container
        /// IMDS: like `container`, plus `Code` (must be `Success` when present).
        case instanceMetadata
        /// `credential_process`: `Version` 1, `AccessKeyId`, `SecretAccessKey`, `SessionToken`, `Expiration`.
        case process
    }

    /// Parses `bytes`, obtained at `now` (seconds since 1970).
    /// - Parameter origin: names the source in messages, e.g. `the container credentials endpoint http://…`.
    /// - Throws: a `failure("s3.credentials")` naming the missing or malformed field.
    public static func parse(_ bytes: [UInt8], format: Format, origin: String, now: Int64) throws
        -> AWSTemporaryCredentials
    {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any] else {
            throw S3Error(.credentialsUnavailable, "\(origin) did not answer a JSON object of credentials")
        }
        func string(_ key: String) -> String? {
            guard let value = object[key] as? String, !value.isEmpty else { return nil }
            return value
        }
        if format == .instanceMetadata, let code = string("Code"), code != "Success" {
            throw S3Error(.credentialsUnavailable, "\(origin) answered Code \(code) instead of Success")
        }
        if format == .process {
            guard let version = object["Version"] as? Int, version == 1 else {
                throw S3Error(
                    .credentialsUnavailable,
                    "\(origin) printed JSON without \"Version\": 1 (the only version defined)")
            }
        }
        guard let ak = string("AccessKeyId"), let sk = string("SecretAccessKey") else {
            throw S3Error(
                .credentialsUnavailable, "\(origin) answered JSON without AccessKeyId and SecretAccessKey")
        }
        let token = string(format == .process ? "SessionToken" : "Token")
        var expiration: Int64?
        if let text = string("Expiration") {
            guard let parsed = parseExpiration(text) else {
                throw S3Error(.credentialsUnavailable, "\(origin) answered an unreadable Expiration '\(text)'")
            }
            expiration = parsed
        }
        return AWSTemporaryCredentials(
            credentials: SigV4Credentials(accessKeyID: ak, secretAccessKey: sk, sessionToken: token),
            expiration: expiration, obtainedAt: now)
    }

    /// Parses an RFC 3339 time (`2025-01-01T12:00:00Z`, fractional seconds or a `+00:00` offset allowed).
    public static func parseExpiration(_ text: String) -> Int64? {
        var t = text.trimmingCharacters(in: .whitespaces)
        var offset: Int64 = 0
        if !t.hasSuffix("Z"), t.count > 6 {
            let tail = t.suffix(6)
            let sign = tail.first
            let parts = tail.dropFirst().split(separator: ":")
            if sign == "+" || sign == "-", parts.count == 2, let h = Int64(parts[0]), let m = Int64(parts[1]) {
                offset = (h * 3600 + m * 60) * (sign == "+" ? 1 : -1)
                t = String(t.dropLast(6)) + "Z"
            }
        }
        guard let date = AmzDate(iso8601: t) else { return nil }
        return date.secondsSince1970 - offset
    }
}
